// Keeps a copy of a body as it streams past, up to a size limit, while counting every byte.

/**
 * A tee for one body: `add` each chunk as it passes (the chunk itself is forwarded by the caller, never
 * copied here), then read `body()` once the stream ended. Chunks are kept by reference and joined once.
 */
export class BodyCapture {
  readonly #maxBytes: number;
  readonly #chunks: Buffer[] = [];
  #keptBytes = 0;
  /** bytes that really passed, kept or not */
  bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    const room = this.#maxBytes - this.#keptBytes;
    if (room <= 0) return;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#chunks.push(kept);
    this.#keptBytes += kept.length;
  }

  /** more bytes passed than were kept */
  get isTruncated(): boolean {
    return this.bytes > this.#keptBytes;
  }

  /** the kept bytes; null if the body was empty */
  body(): Buffer | null {
    if (this.bytes === 0) return null;
    if (this.#chunks.length === 1) return this.#chunks[0] as Buffer;
    return Buffer.concat(this.#chunks, this.#keptBytes);
  }
}

/** Keeps at most maxBytes of one whole payload (a WebSocket message): [stored, isTruncated]. */
export const capPayload = (payload: Buffer, maxBytes: number): [Buffer, boolean] =>
  payload.length <= maxBytes ? [payload, false] : [payload.subarray(0, maxBytes), true];
