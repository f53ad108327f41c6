// Turns stored rows holding Buffers into JSON the pages can show: bodies and frame payloads as text.
import type { FrameRow, NewExchange, NewFrameRow } from '../store/index.js';
import type { BodyJson, ExchangeJson } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text when the bytes decode cleanly, base64 otherwise (a binary or truncated-mid-character body). */
export const bodyJson = (body: Buffer | null): BodyJson | null => {
  if (body === null) return null;
  try {
    return { encoding: 'utf8', text: utf8.decode(body) };
  } catch {
    return { encoding: 'base64', text: body.toString('base64') };
  }
};

export const exchangeJson = (e: NewExchange & { sessionId?: number }, sessionId: number): ExchangeJson => ({
  ...e,
  sessionId,
  requestBody: bodyJson(e.requestBody),
  responseBody: bodyJson(e.responseBody),
});

export type FrameJson = Omit<FrameRow, 'payload'> & { payload: BodyJson };

export const frameJson = (f: NewFrameRow & { sessionId?: number }, sessionId: number): FrameJson => ({
  ...f,
  sessionId,
  payload: bodyJson(f.payload) ?? { encoding: 'utf8', text: '' },
});
