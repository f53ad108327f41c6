// Reads GWS resource paths and URIs as recorded: absolute to any origin, root-relative, or relative (`api/v2/...`).
import type { OperationResource } from './types.js';

/** Cuts the origin, query and fragment off, and the leading slash, leaving e.g. "api/v2/me/calls/ID". */
const pathPart = (uriOrPath: string): string => {
  let rest = uriOrPath.trim();
  const scheme = rest.indexOf('://');
  if (scheme !== -1) {
    const slash = rest.indexOf('/', scheme + 3);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  const end = rest.search(/[?#]/);
  if (end !== -1) rest = rest.slice(0, end);
  while (rest.startsWith('/')) rest = rest.slice(1);
  return rest;
};

const SLASH = 0x2f;

const decode = (segment: string): string => {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The call id in a call's URI or path, whatever its origin: `http://h/api/v2/me/calls/ID`, `/calls/ID`
 * (GWS `path`, `parentCallPath`), `api/v2/me/calls/ID`. Null if it names no call.
 * Runs once per notification with a parent, so it scans the string instead of splitting it.
 */
export const callIdFromUri = (raw: string): string | null => {
  const uri = raw.trim();
  let end = uri.length;
  const query = uri.indexOf('?');
  if (query !== -1) end = query;
  const fragment = uri.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  // the last `calls/` that starts a segment; 'calls/' holds no '?' or '#', so a match before `end` ends before it
  let from = end;
  while (from > 0) {
    const at = uri.lastIndexOf('calls/', from - 1);
    if (at === -1) return null;
    if (at === 0 || uri.charCodeAt(at - 1) === SLASH) {
      const start = at + 'calls/'.length;
      const slash = uri.indexOf('/', start);
      const id = uri.slice(start, slash === -1 || slash > end ? end : slash);
      return id === '' ? null : decode(id);
    }
    from = at;
  }
  return null;
};

export interface ResourcePath {
  resource: OperationResource;
  /** set when resource is 'call' */
  callId: string | null;
}

/**
 * What an operation was posted to. Accepts `/api/v2/me/...`, `api/v2/me/...`, absolute URLs, and the
 * 8.5.0 pages' paths without the `/api/v2` prefix (`/me/calls/ID`).
 */
export const readResourcePath = (path: string): ResourcePath => {
  const segments = pathPart(path)
    .split('/')
    .filter((s) => s !== '');
  const me = segments.lastIndexOf('me');
  if (me === -1) return { resource: 'other', callId: null };
  const [collection, id, sub] = segments.slice(me + 1);
  if (collection === undefined) return { resource: 'me', callId: null };
  if (collection === 'calls' && id !== undefined && sub === undefined)
    return { resource: 'call', callId: decode(id) };
  if (collection === 'devices' && id !== undefined) {
    if (sub === 'calls') return { resource: 'device-calls', callId: null };
    if (sub === undefined) return { resource: 'device', callId: null };
  }
  if (collection === 'channels') return { resource: 'channel', callId: null };
  return { resource: 'other', callId: null };
};
