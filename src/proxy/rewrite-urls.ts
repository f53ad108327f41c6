// Rewrites the upstream's origin to the proxy's in bodies, frames and Location headers, streaming and chunk-safe.

/** One origin swap: every `from` that stands as a whole origin becomes `to`. */
export interface OriginSwap {
  /** an origin as the upstream writes it, no trailing slash: "http://127.0.0.1:8080", "https://gws:443" */
  from: string;
  to: string;
}

/**
 * The byte patterns of a swap: the plain origin and its JSON-escaped form (`http:\/\/host`), which some
 * JSON writers (CometD's Java server among them) emit. Patterns are ASCII, so byte-level replacement
 * is safe in UTF-8: ASCII bytes never occur inside a multi-byte sequence.
 */
export const swapPatterns = (swap: OriginSwap): Array<[from: Buffer, to: Buffer]> => {
  if (swap.from === swap.to) return [];
  const jsonEscaped = (origin: string): string => origin.replaceAll('/', '\\/');
  return [
    [Buffer.from(swap.from), Buffer.from(swap.to)],
    [Buffer.from(jsonEscaped(swap.from)), Buffer.from(jsonEscaped(swap.to))],
  ];
};

// A match is an origin only if what follows cannot continue the host or port: "http://h:8080" must not
// rewrite inside "http://h:80801" or "http://h:8080.example.com".
const continuesOrigin = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  byte === 0x2e || // .
  byte === 0x2d || // -
  byte === 0x5f || // _
  byte === 0x3a || // :
  byte === 0x40; // @

/** Prepared byte patterns for a set of swaps; build once per origin pair and share between rewriters. */
export interface OriginPatterns {
  readonly pairs: ReadonlyArray<readonly [from: Buffer, to: Buffer]>;
  readonly maxLength: number;
  /** each pattern contains one of these (its origin's host and port): a body with none of them needs no scan */
  readonly needles: readonly Buffer[];
}

export const originPatterns = (swaps: OriginSwap[]): OriginPatterns => {
  // Longest first: where two origins match at one place (http://gws and http://gws.example.com), only the
  // longer can be a whole origin, and the scan takes the first pattern found at a place.
  const pairs = swaps.flatMap(swapPatterns).sort(([a], [b]) => b.length - a.length);
  const hosts = new Set(swaps.filter((s) => s.from !== s.to).map((s) => s.from.replace(/^[a-z]+:\/\//i, '')));
  // A host that contains another (gws.example.com:443 holds gws.example.com) finds nothing the other misses.
  const needles = [...hosts].filter(
    (host) => ![...hosts].some((other) => other !== host && host.includes(other)),
  );
  return {
    pairs,
    maxLength: Math.max(0, ...pairs.map(([from]) => from.length)),
    needles: needles.map((host) => Buffer.from(host)),
  };
};

/**
 * A streaming origin rewriter: `push` each chunk and emit what it returns, then emit `end()`.
 * Correct across chunk boundaries: it holds back at most one pattern's length of bytes that could be the
 * start of an origin (or an origin whose following byte has not arrived yet).
 */
export class OriginRewriter {
  readonly #patterns: ReadonlyArray<readonly [Buffer, Buffer]>;
  readonly #maxLength: number;
  readonly #needles: readonly Buffer[];
  #carry: Buffer | null = null;

  constructor(swaps: OriginSwap[] | OriginPatterns) {
    const prepared = Array.isArray(swaps) ? originPatterns(swaps) : swaps;
    this.#patterns = prepared.pairs;
    this.#maxLength = prepared.maxLength;
    this.#needles = prepared.needles;
  }

  /** true when there is nothing to rewrite (the proxy's origin equals the upstream's) */
  get isIdentity(): boolean {
    return this.#patterns.length === 0;
  }

  push(chunk: Buffer): Buffer {
    if (this.#patterns.length === 0) return chunk;
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = null;
    return this.#scan(data, false);
  }

  end(): Buffer {
    const rest = this.#carry;
    this.#carry = null;
    return rest ? this.#scan(rest, true) : Buffer.alloc(0);
  }

  /** Rewrites a whole body or frame at once (the rewriter must not be mid-stream). */
  rewriteAll(data: Buffer): Buffer {
    if (this.#patterns.length === 0) return data;
    if (this.#carry) {
      const head = this.push(data);
      const tail = this.end();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    }
    if (!this.#needles.some((needle) => data.indexOf(needle) !== -1)) return data;
    return this.#scan(data, true);
  }

  #scan(data: Buffer, isFinal: boolean): Buffer {
    const parts: Buffer[] = [];
    let emitFrom = 0;
    let searchFrom = 0;
    for (;;) {
      const found = this.#nextMatch(data, searchFrom);
      if (!found) break;
      const [at, from, to] = found;
      const end = at + from.length;
      if (end === data.length && !isFinal) {
        // The byte that decides whether this is a whole origin has not arrived yet.
        parts.push(data.subarray(emitFrom, at));
        this.#carry = Buffer.from(data.subarray(at));
        return concatParts(parts);
      }
      const next = data[end];
      if (next !== undefined && continuesOrigin(next)) {
        searchFrom = at + 1;
        continue;
      }
      parts.push(data.subarray(emitFrom, at), to);
      emitFrom = end;
      searchFrom = end;
    }
    const held = isFinal ? 0 : this.#heldSuffix(data, emitFrom);
    if (parts.length === 0 && held === 0 && emitFrom === 0) return data;
    parts.push(data.subarray(emitFrom, data.length - held));
    if (held > 0) this.#carry = Buffer.from(data.subarray(data.length - held));
    return concatParts(parts);
  }

  #nextMatch(data: Buffer, fromIndex: number): [number, Buffer, Buffer] | null {
    let best: [number, Buffer, Buffer] | null = null;
    for (const [from, to] of this.#patterns) {
      const at = data.indexOf(from, fromIndex);
      if (at !== -1 && (best === null || at < best[0])) best = [at, from, to];
    }
    return best;
  }

  /** Length of the longest tail of data[minStart..] that is a proper prefix of some pattern. */
  #heldSuffix(data: Buffer, minStart: number): number {
    const start = Math.max(minStart, data.length - this.#maxLength + 1);
    for (let i = start; i < data.length; i++) {
      const tailLength = data.length - i;
      const first = data[i];
      for (const [from] of this.#patterns) {
        // The first byte in JS, before a compare that calls into C++: it rules out nearly every place.
        if (
          tailLength < from.length &&
          first === from[0] &&
          data.compare(from, 0, tailLength, i, data.length) === 0
        ) {
          return tailLength;
        }
      }
    }
    return 0;
  }
}

const concatParts = (parts: Buffer[]): Buffer =>
  parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);

/** One swap per origin in `froms`, each to `to`. */
export const swapsTo = (froms: readonly string[], to: string): OriginSwap[] =>
  froms.map((from) => ({ from, to }));

/** rewriteLocation for a value that may point at any of `froms`. */
export const rewriteLocationFromAny = (value: string, froms: readonly string[], to: string): string => {
  for (const from of froms) {
    const rewritten = rewriteLocation(value, { from, to });
    if (rewritten !== value) return rewritten;
  }
  return value;
};

/** Rewrites a Location / Content-Location value that points at the upstream; anything else is kept. */
export const rewriteLocation = (value: string, swap: OriginSwap): string => {
  if (!value.startsWith(swap.from)) return value;
  const next = value.charCodeAt(swap.from.length);
  if (!Number.isNaN(next) && continuesOrigin(next)) return value;
  return swap.to + value.slice(swap.from.length);
};

/** Content types worth scanning for origins: JSON, text, JavaScript, XML, forms. Binary passes untouched. */
export const isTextual = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false;
  const type = contentType.toLowerCase();
  return (
    type.startsWith('text/') ||
    type.includes('json') ||
    type.includes('javascript') ||
    type.includes('xml') ||
    type.startsWith('application/x-www-form-urlencoded')
  );
};
