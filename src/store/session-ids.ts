// Hands out one session's row ids, continuing after those already stored, for whichever writer records it.

/** The highest id of each row kind in one session; 0 for a kind with no rows. */
export interface LastIds {
  exchange: number;
  message: number;
  frame: number;
}

/**
 * One session's id counters. Ids are allocated when a thing starts, before its row is written (a long-poll's
 * messages reference its exchange id while it is still held), so the counters live with the writer, not in
 * SQLite. Both writers of a session (the store's SessionWriter, the proxy's OffThreadWriter) use this; only
 * one of them may hand out a session's ids at a time, or two would hand out the same ones (the off-thread
 * writer's worker writes rows but takes no ids).
 */
export class SessionIds {
  readonly #last: LastIds;

  /** `last`: the ids already stored for the session, so the sequences continue after them */
  constructor(last: LastIds) {
    this.#last = { ...last };
  }

  nextExchangeId(): number {
    this.#last.exchange += 1;
    return this.#last.exchange;
  }

  nextMessageId(): number {
    this.#last.message += 1;
    return this.#last.message;
  }

  nextFrameId(): number {
    this.#last.frame += 1;
    return this.#last.frame;
  }

  /** the ids handed out last (or found stored, if none was yet), a copy */
  get last(): LastIds {
    return { ...this.#last };
  }
}
