// A body's Content-Encoding, undone and done again: the store keeps bodies as they were sent; readers and the redactor want the content.
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
  type ZlibOptions,
} from 'node:zlib';
import type { HeaderList } from './types.js';

export interface DecodeOptions {
  /** the bytes stop short of the stream's end (a body cut at --max-body): what they hold is decoded */
  isCut?: boolean;
  /**
   * bytes the content may grow to; past them decoding fails. A few KB of gzip can hold gigabytes of zeros:
   * without a cap one body would hold up the thread decoding it and take all its memory.
   */
  maxBytes?: number;
}

/** The cap when the caller names none: far above any GWS body, far below what would hurt. */
const DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024;

interface Coding {
  decode(body: Buffer, isCut: boolean, maxBytes: number): Buffer;
  encode(body: Buffer): Buffer;
}

const zlibOptions = (isCut: boolean, maxBytes: number): ZlibOptions => ({
  maxOutputLength: maxBytes,
  ...(isCut ? { finishFlush: constants.Z_SYNC_FLUSH } : {}),
});

const gzip: Coding = {
  decode: (body, isCut, maxBytes) => gunzipSync(body, zlibOptions(isCut, maxBytes)),
  encode: (body) => gzipSync(body),
};

const CODINGS: Record<string, Coding> = {
  gzip,
  'x-gzip': gzip,
  deflate: {
    decode: (body, isCut, maxBytes) => inflateSync(body, zlibOptions(isCut, maxBytes)),
    encode: (body) => deflateSync(body),
  },
  br: {
    decode: (body, isCut, maxBytes) =>
      brotliDecompressSync(body, {
        maxOutputLength: maxBytes,
        ...(isCut ? { finishFlush: constants.BROTLI_OPERATION_FLUSH } : {}),
      }),
    encode: (body) => brotliCompressSync(body),
  },
};

/** The coding of that name; undefined for one not known here (own keys only: a header value is no path into Object). */
const codingNamed = (name: string): Coding | undefined =>
  Object.hasOwn(CODINGS, name) ? CODINGS[name] : undefined;

const CONTENT_ENCODING = 'content-encoding';

/**
 * The Content-Encoding `headers` give, lowercased, every such header joined as Node joins them ("gzip, br"),
 * identity left out; undefined when that leaves none. Stacked codings come out as one this module does not know.
 */
export const contentCoding = (headers: HeaderList | null): string | undefined => {
  if (!headers) return undefined;
  let coding: string | undefined;
  for (const [name, value] of headers) {
    // Walked for every body recorded: most names are ruled out by their length alone.
    if (name.length !== CONTENT_ENCODING.length || name.toLowerCase() !== CONTENT_ENCODING) continue;
    for (const part of value.split(',')) {
      const one = part.trim().toLowerCase();
      if (one !== '' && one !== 'identity') coding = coding === undefined ? one : `${coding}, ${one}`;
    }
  }
  return coding;
};

/**
 * `body` with `coding` undone; null when the coding is not one known here. Throws when the bytes do not decode
 * (not what the header says; cut short, unless `isCut`) or would grow past `maxBytes`.
 */
export const decodeCoding = (body: Buffer, coding: string, options: DecodeOptions = {}): Buffer | null => {
  const known = codingNamed(coding);
  return known
    ? known.decode(body, options.isCut ?? false, options.maxBytes ?? DEFAULT_MAX_DECODED_BYTES)
    : null;
};

/** The body with the Content-Encoding of `headers` undone, and that coding; null when there is nothing to undo. */
export const decodeContentEncoding = (
  body: Buffer,
  headers: HeaderList | null,
  options: DecodeOptions = {},
): { coding: string; body: Buffer } | null => {
  const coding = contentCoding(headers);
  const decoded = coding === undefined ? null : decodeCoding(body, coding, options);
  return coding === undefined || decoded === null ? null : { coding, body: decoded };
};

/** `body` in `coding`, one `decodeCoding` knows. */
export const encodeContentEncoding = (body: Buffer, coding: string): Buffer => {
  const known = codingNamed(coding);
  if (!known) throw new Error(`cannot encode a body as "${coding}"`);
  return known.encode(body);
};
