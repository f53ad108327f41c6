// Which request paths belong to a base path (the path itself and all under it), and a target's path as sent.

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
 * Does a path fall under `base`: is it `base` itself, or `base` followed by `/` and anything (`/connect`)? The
 * recorder asks it of every request with the notifications path, so the prefix is worked out once; the
 * simulator and replay route and classify paths with it too.
 */
export const underPath = (base: string): ((path: string) => boolean) => {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return (path) => path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
};
