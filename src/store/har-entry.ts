// Reads one HAR entry's standard fields and Chrome's extensions (timings, bodies, `_webSocketMessages`) into plain values.
import { isRecord } from '../common/is-record.js';
import type { HarPlace } from './har-fields.js';
import {
  field,
  harInvalid,
  item,
  readArray,
  readDateMs,
  readNameValues,
  readNumber,
  readObject,
  readOptionalNumber,
  readString,
} from './har-fields.js';
import type { Direction, FrameOpcode, HeaderList } from './types.js';

/** RFC 6455 §5.2: the opcodes a frame row can hold. */
const OPCODES: Record<number, FrameOpcode> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

export interface ReadFrame {
  /** position in `_webSocketMessages` */
  index: number;
  direction: Direction;
  opcode: FrameOpcode;
  /** wall clock, ms since the epoch */
  wallMs: number;
  payload: Buffer;
  /** the raw `_gwsVcr` of the frame, read later if the file is a gws-vcr export */
  extra: unknown;
}

/** An entry as read, before it is placed on the session's clock. */
export interface ReadEntry {
  /** position in log.entries */
  index: number;
  place: HarPlace;
  /** startedDateTime, ms since the epoch */
  wallMs: number;
  /** "https://gws.example.com" (ws/wss mapped to http/https); null when the URL is not http(s) or ws(s) */
  origin: string | null;
  method: string;
  path: string;
  query: string;
  isWebSocket: boolean;
  requestHeaders: HeaderList;
  requestBody: Buffer | null;
  requestBodyBytes: number;
  /** null when no response came (HAR status 0) */
  status: number | null;
  responseHeaders: HeaderList;
  responseBody: Buffer | null;
  responseBodyBytes: number;
  /** does the body hold the decoded form of a response that says it was compressed (Chrome stores decoded bodies) */
  isBodyDecoded: boolean;
  /** ms from start until the request was sent (blocked + dns + connect + send) */
  sentAfterMs: number;
  /** ms from start to the first response byte; null if none came */
  firstByteAfterMs: number | null;
  /** ms from start to the end of the response; null if it never ended */
  endAfterMs: number | null;
  error: string | null;
  frames: ReadFrame[];
  /** the raw `_gwsVcr` of the entry */
  extra: unknown;
}

// scheme://authority then the path and query exactly as written (new URL() would re-encode them).
const URL_PARTS = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;

const originOf = (place: HarPlace, url: string): { origin: string | null; path: string; query: string } => {
  const m = URL_PARTS.exec(url);
  // data:, blob:, about: ... are a browser's own; they are counted and left out, not refused.
  if (!m && /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) return { origin: null, path: '', query: '' };
  if (!m) throw harInvalid(place, `${JSON.stringify(url)} is not an absolute URL`);
  const scheme = (m[1] ?? '').toLowerCase();
  const path = m[3] === '' || m[3] === undefined ? '/' : m[3];
  const query = m[4] ?? '';
  const http = ({ http: 'http', https: 'https', ws: 'http', wss: 'https' } as Record<string, string>)[scheme];
  if (!http) return { origin: null, path, query };
  try {
    return { origin: new URL(`${http}://${m[2] ?? ''}/`).origin, path, query };
  } catch {
    throw harInvalid(place, `${JSON.stringify(url)} has no valid host`);
  }
};

const bodyOf = (text: string, encoding: unknown): Buffer =>
  Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8');

const requestBodyOf = (place: HarPlace, postData: unknown): Buffer | null => {
  if (postData === undefined || postData === null) return null;
  const p = readObject(place, postData);
  if (typeof p.text === 'string') return bodyOf(p.text, p._encoding);
  if (Array.isArray(p.params)) {
    // A form Chrome split into params instead of text: put it back together.
    const pairs = readNameValues(field(place, 'params'), p.params);
    return Buffer.from(pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&'));
  }
  return Buffer.alloc(0);
};

/** Reads one frame in Chrome's `_webSocketMessages` shape (a gws-vcr export's orphan frames have it too). */
export const readFrame = (at: HarPlace, value: unknown, index: number): ReadFrame => {
  const m = readObject(at, value);
  const type = readString(field(at, 'type'), m.type);
  if (type !== 'send' && type !== 'receive')
    throw harInvalid(field(at, 'type'), `is "${type}", expected "send" or "receive"`);
  const code = readNumber(field(at, 'opcode'), m.opcode);
  const opcode = OPCODES[code];
  if (!opcode) throw harInvalid(field(at, 'opcode'), `is ${code}, expected 1 (text), 2 (binary), 8, 9 or 10`);
  const data = m.data === undefined ? '' : readString(field(at, 'data'), m.data);
  const extra = isRecord(m._gwsVcr) ? m._gwsVcr : undefined;
  const isBase64 = opcode !== 'text' || extra?.isBase64 === true;
  return {
    index,
    direction: type === 'send' ? 'to-server' : 'to-client',
    opcode,
    wallMs: readNumber(field(at, 'time'), m.time) * 1000,
    payload: Buffer.from(data, isBase64 ? 'base64' : 'utf8'),
    extra: m._gwsVcr,
  };
};

const readFrames = (place: HarPlace, value: unknown): ReadFrame[] => {
  if (value === undefined || value === null) return [];
  return readArray(place, value).map((value, index) => readFrame(item(place, index), value, index));
};

const isCompressed = (headers: HeaderList): boolean =>
  headers.some(([n, v]) => n.toLowerCase() === 'content-encoding' && !/^\s*(identity)?\s*$/i.test(v));

/** Reads entry `index`; throws VCR_HAR_INVALID naming the entry and field when one is missing or of the wrong type. */
export const readEntry = (file: string, index: number, value: unknown): ReadEntry => {
  const place: HarPlace = { file, entry: index, at: '' };
  const e = readObject(place, value);
  const requestPlace = field(place, 'request');
  const request = readObject(requestPlace, e.request);
  const url = readString(field(requestPlace, 'url'), request.url);
  const { origin, path, query } = originOf(field(requestPlace, 'url'), url);
  const wallMs = readDateMs(field(place, 'startedDateTime'), e.startedDateTime);
  const method = readString(field(requestPlace, 'method'), request.method);
  const requestHeaders = readNameValues(field(requestPlace, 'headers'), request.headers);
  const requestBody = requestBodyOf(field(requestPlace, 'postData'), request.postData);
  const requestBodySize = readOptionalNumber(field(requestPlace, 'bodySize'), request.bodySize, -1);

  const responsePlace = field(place, 'response');
  const response = readObject(responsePlace, e.response);
  const statusNumber = readOptionalNumber(field(responsePlace, 'status'), response.status, 0);
  const status = statusNumber > 0 ? statusNumber : null;
  const responseHeaders = readNameValues(field(responsePlace, 'headers'), response.headers);
  const contentPlace = field(responsePlace, 'content');
  const content = response.content === undefined ? {} : readObject(contentPlace, response.content);
  const text =
    content.text === undefined || content.text === null
      ? null
      : readString(field(contentPlace, 'text'), content.text);
  const responseBody = text === null ? null : bodyOf(text, content.encoding);
  const contentSize = readOptionalNumber(field(contentPlace, 'size'), content.size, -1);

  const frames = readFrames(field(place, '_webSocketMessages'), e._webSocketMessages);
  const isWebSocket =
    statusNumber === 101 ||
    e._resourceType === 'websocket' ||
    Array.isArray(e._webSocketMessages) ||
    /^wss?:/i.test(url);

  // HAR 1.2 timings: blocked, dns, connect (ssl is inside connect), send, wait, receive; -1 means n/a.
  const timingsPlace = field(place, 'timings');
  const t = e.timings === undefined ? null : readObject(timingsPlace, e.timings);
  const ms = (name: string): number =>
    t ? Math.max(0, readOptionalNumber(field(timingsPlace, name), t[name], 0)) : 0;
  const total = Math.max(0, readOptionalNumber(field(place, 'time'), e.time, 0));
  const sentAfterMs = ms('blocked') + ms('dns') + ms('connect') + ms('send');
  const firstByteAfterMs = t ? sentAfterMs + ms('wait') : total;
  const endAfterMs = t ? firstByteAfterMs + ms('receive') : Math.max(firstByteAfterMs, total);
  const error = typeof response._error === 'string' && response._error !== '' ? response._error : null;

  return {
    index,
    place,
    wallMs,
    origin,
    method,
    path,
    query,
    isWebSocket,
    requestHeaders,
    requestBody,
    requestBodyBytes: Math.max(requestBodySize, requestBody?.length ?? 0),
    status,
    responseHeaders,
    responseBody,
    responseBodyBytes: Math.max(contentSize, responseBody?.length ?? 0),
    isBodyDecoded: responseBody !== null && isCompressed(responseHeaders),
    sentAfterMs,
    firstByteAfterMs: status === null ? null : firstByteAfterMs,
    endAfterMs: status === null ? null : endAfterMs,
    error: error ?? (status === null ? 'no response in the HAR (status 0)' : null),
    frames,
    extra: e._gwsVcr,
  };
};
