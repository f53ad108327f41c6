// Turns stored rows holding Buffers into JSON the pages can show: bodies and frame payloads as text.
import {
  decodeContentEncoding,
  type FrameRow,
  type HeaderList,
  type NewExchange,
  type NewFrameRow,
} from '../store/index.js';
import type { BodyJson, ExchangeJson } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text when the bytes decode cleanly, base64 otherwise (a binary or truncated-mid-character body). */
const textOf = (bytes: Buffer): BodyJson => {
  try {
    return { encoding: 'utf8', text: utf8.decode(bytes) };
  } catch {
    return { encoding: 'base64', text: bytes.toString('base64') };
  }
};

/** A body as the pages show it: with the Content-Encoding its `headers` name undone, where the bytes allow. */
export const bodyJson = (body: Buffer | null, headers: HeaderList | null = null): BodyJson | null => {
  if (body === null) return null;
  let decoded: ReturnType<typeof decodeContentEncoding> = null;
  try {
    decoded = decodeContentEncoding(body, headers);
  } catch {
    // cut at --max-body, or not what the header says: shown as stored
  }
  return decoded ? { ...textOf(decoded.body), decodedFrom: decoded.coding } : textOf(body);
};

export const exchangeJson = (e: NewExchange & { sessionId?: number }, sessionId: number): ExchangeJson => ({
  ...e,
  sessionId,
  requestBody: bodyJson(e.requestBody, e.requestHeaders),
  responseBody: bodyJson(e.responseBody, e.responseHeaders),
});

export type FrameJson = Omit<FrameRow, 'payload'> & { payload: BodyJson };

export const frameJson = (f: NewFrameRow & { sessionId?: number }, sessionId: number): FrameJson => ({
  ...f,
  sessionId,
  payload: bodyJson(f.payload) ?? { encoding: 'utf8', text: '' },
});
