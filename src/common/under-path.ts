// Which request paths belong to a path prefix: the notifications path and every suffix under it.

/**
 * A request target split at its first '?', as the request line carries it: nothing decoded, no `.` or `..`
 * resolved, `//` and `\` kept. This is the path the recorder stores and classifies, so a server standing in
 * for the recording routes the same request the same way.
 */
export const splitTarget = (target: string): { path: string; query: string } => {
  const queryAt = target.indexOf('?');
  return queryAt === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, queryAt), query: target.slice(queryAt + 1) };
};

/**
 * Does a path fall under `base` (the notifications path: itself or any suffix, e.g. `/connect`)? The recorder
 * asks it of every request, so the prefix is worked out once.
 */
export const underPath = (base: string): ((path: string) => boolean) => {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return (path) => path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
};
