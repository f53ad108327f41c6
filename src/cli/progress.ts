// Draws "label 123/456 (27%)" on one terminal line while a long command works; says nothing when not on a terminal.

/** What progress writes to: process.stderr, or anything shaped like it. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream: ProgressStream;
  /** least ms between two redraws */
  intervalMs?: number;
  /** monotonic ms, for tests */
  nowMs?: () => number;
}

export const PROGRESS_DEFAULTS = {
  intervalMs: 100,
  nowMs: (): number => performance.now(),
} satisfies Partial<ProgressOptions>;

export interface Progress {
  /** `done` items of the total are finished; redraws at most every intervalMs */
  update(done: number, total?: number): void;
  /** clears the line (on a terminal); idempotent */
  finish(): void;
}

// \r back to the line's start, ESC[K clears what an earlier, longer line left.
const CLEAR_LINE = '\r\u001b[K';

export const createProgress = (options: ProgressOptions): Progress => {
  const { stream, label } = options;
  const intervalMs = options.intervalMs ?? PROGRESS_DEFAULTS.intervalMs;
  const nowMs = options.nowMs ?? PROGRESS_DEFAULTS.nowMs;
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  let total = options.total;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let hasDrawn = false;
  let isFinished = false;
  return {
    update(done, newTotal) {
      if (isFinished) return;
      if (newTotal !== undefined) total = newTotal;
      const now = nowMs();
      if (now - lastDrawMs < intervalMs && done < total) return;
      lastDrawMs = now;
      hasDrawn = true;
      const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
      stream.write(`${CLEAR_LINE}${label} ${done}/${total} (${percent}%)`);
    },
    finish() {
      if (isFinished) return;
      isFinished = true;
      if (hasDrawn) stream.write(CLEAR_LINE);
    },
  };
};
