// A body's Content-Encoding, undone and done again: the store keeps bodies as they were sent; readers and the redactor want the content.
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
} from 'node:zlib';
import type { HeaderList } from './types.js';

interface Coding {
  /** `isCut`: the bytes stop short of the stream's end (a body cut at --max-body); what they hold is decoded */
  decode(body: Buffer, isCut: boolean): Buffer;
  encode(body: Buffer): Buffer;
}

const ZLIB_PREFIX = { finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_PREFIX = { finishFlush: constants.BROTLI_OPERATION_FLUSH };

const gzip: Coding = {
  decode: (body, isCut) => gunzipSync(body, isCut ? ZLIB_PREFIX : {}),
  encode: (body) => gzipSync(body),
};

const CODINGS: Record<string, Coding> = {
  gzip,
  'x-gzip': gzip,
  deflate: {
    decode: (body, isCut) => inflateSync(body, isCut ? ZLIB_PREFIX : {}),
    encode: (body) => deflateSync(body),
  },
  br: {
    decode: (body, isCut) => brotliDecompressSync(body, isCut ? BROTLI_PREFIX : {}),
    encode: (body) => brotliCompressSync(body),
  },
};

const CONTENT_ENCODING = 'content-encoding';

/** The Content-Encoding `headers` name, trimmed and lowercased; undefined when none or identity. */
export const contentCoding = (headers: HeaderList | null): string | undefined => {
  if (!headers) return undefined;
  for (const [name, value] of headers) {
    // Walked for every body recorded: most names are ruled out by their length alone.
    if (name.length !== CONTENT_ENCODING.length || name.toLowerCase() !== CONTENT_ENCODING) continue;
    const coding = value.trim().toLowerCase();
    return coding === '' || coding === 'identity' ? undefined : coding;
  }
  return undefined;
};

/** The codings `decodeContentEncoding` and `encodeContentEncoding` know. */
export const isKnownCoding = (coding: string): boolean => Object.hasOwn(CODINGS, coding);

/**
 * The body with the Content-Encoding of `headers` undone, and that coding; null when there is nothing to undo
 * (no Content-Encoding, identity, or one not known here). Throws when the bytes do not decode (not what the
 * header says; or cut short, unless `isCut`, which decodes what the bytes hold).
 */
export const decodeContentEncoding = (
  body: Buffer,
  headers: HeaderList | null,
  isCut = false,
): { coding: string; body: Buffer } | null => {
  const coding = contentCoding(headers);
  const known = coding === undefined || !isKnownCoding(coding) ? undefined : CODINGS[coding];
  return coding === undefined || known === undefined ? null : { coding, body: known.decode(body, isCut) };
};

/** `body` in `coding`, one `isKnownCoding` accepts. */
export const encodeContentEncoding = (body: Buffer, coding: string): Buffer => {
  const known = isKnownCoding(coding) ? CODINGS[coding] : undefined;
  if (!known) throw new Error(`cannot encode a body as "${coding}"`);
  return known.encode(body);
};
