// Reads what GWS resource an operation was posted to, from its path as recorded: absolute to any origin,
// root-relative, or relative (`api/v2/...`). Call ids alone are read by gws's `callIdFromUri`.
import { decodePathSegment } from '../gws/index.js';
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
    return { resource: 'call', callId: decodePathSegment(id) };
  if (collection === 'devices' && id !== undefined) {
    if (sub === 'calls') return { resource: 'device-calls', callId: null };
    if (sub === undefined) return { resource: 'device', callId: null };
  }
  if (collection === 'channels') return { resource: 'channel', callId: null };
  return { resource: 'other', callId: null };
};
