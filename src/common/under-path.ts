// Which request paths belong to a base path (the path itself and all under it), and a target's path as sent.

const ABSOLUTE_FORM = /^https?:\/\/[^/?]*/i;

/**
 * The origin-form of a request target: an absolute-form one (`http://host/path?q`, which a server must accept,
 * RFC 9112 §3.2.2) loses its scheme and authority, and an empty path becomes '/'; any other, or one that is
 * no URL, is kept as sent.
 */
const originForm = (target: string): string => {
  if (target.charCodeAt(0) === 0x2f) return target; // '/': already origin-form, as almost every target is
  const authority = ABSOLUTE_FORM.exec(target);
  // One no server could parse (`http://[`) is kept as sent, to be refused and recorded as it came.
  if (!authority || !URL.canParse(target)) return target;
  const rest = target.slice(authority[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
};

/**
 * A request target split at its first '?', as the request line carries it (in origin-form): nothing decoded,
 * no `.` or `..` resolved, `//` and `\` kept. This is the path the recorder stores and classifies, so a server
 * standing in for the recording routes the same request the same way.
 */
export const splitTarget = (raw: string): { path: string; query: string } => {
  const target = originForm(raw);
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
