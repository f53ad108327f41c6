// Undoes a stored body's Content-Encoding: the store keeps bodies as they were sent; readers want the content.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { HeaderList } from './types.js';

const DECODERS: Record<string, (body: Buffer) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * The body with the Content-Encoding of `headers` undone, and that coding; null when there is nothing to undo
 * (no Content-Encoding, identity, or one not known here). Throws when the bytes do not decode (a body cut at
 * --max-body, or not what the header says).
 */
export const decodeContentEncoding = (
  body: Buffer,
  headers: HeaderList | null,
): { coding: string; body: Buffer } | null => {
  const value = headers?.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1];
  const coding = value?.trim().toLowerCase();
  const decode = coding === undefined ? undefined : DECODERS[coding];
  return coding === undefined || decode === undefined ? null : { coding, body: decode(body) };
};
