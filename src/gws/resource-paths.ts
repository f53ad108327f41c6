// Reads the call id out of a GWS call URI or path as recorded: absolute to any origin, root-relative, or relative.

const SLASH = 0x2f;
const CALLS = 'calls/';

/** A path segment percent-decoded, or as it stands when it does not decode (`%E0%A4%A`). */
export const decodePathSegment = (segment: string): string => {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The call id in a call's URI or path, whatever its origin: the segment after the last `calls` segment.
 * Reads both GWS styles, `uri` (`http://h/api/v2/me/calls/ID`) and `path`/`parentCallPath` (`/calls/ID`),
 * relative paths (`api/v2/me/calls/ID`) and paths that go on past the id (`/sim/calls/ID/answer`). The id is
 * percent-decoded when it decodes. Null if it names no call; never throws.
 *
 * Runs once per notification with a parent, so it scans the string instead of splitting it.
 */
export const callIdFromUri = (raw: string): string | null => {
  const uri = raw.trim();
  let end = uri.length;
  const query = uri.indexOf('?');
  if (query !== -1) end = query;
  const fragment = uri.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  // an absolute URI's path starts at the first '/' after '://': a host named `calls` is no segment
  let pathStart = 0;
  const scheme = uri.indexOf('://');
  if (scheme !== -1 && scheme < end) {
    const slash = uri.indexOf('/', scheme + 3);
    pathStart = slash === -1 || slash > end ? end : slash;
  }
  // the last `calls/` that starts a segment; 'calls/' holds no '?' or '#', so a match before `end` ends before it
  let from = end;
  while (from > pathStart) {
    const at = uri.lastIndexOf(CALLS, from - 1);
    if (at === -1 || at < pathStart) return null;
    if (at === 0 || uri.charCodeAt(at - 1) === SLASH) {
      const start = at + CALLS.length;
      const slash = uri.indexOf('/', start);
      const id = uri.slice(start, slash === -1 || slash > end ? end : slash);
      return id === '' ? null : decodePathSegment(id);
    }
    from = at;
  }
  return null;
};
