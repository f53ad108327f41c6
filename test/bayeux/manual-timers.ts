// Timers driven by the test: nothing fires until advance() says time has passed.
import type { Timers } from '../../src/bayeux/index.js';

export class ManualTimers implements Timers {
  private nowMs = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { callback: () => void; dueMs: number }>();

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, dueMs: this.nowMs + delayMs });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** how many timers are set and not yet fired or cleared */
  get size(): number {
    return this.pending.size;
  }

  /** moves time forward by `ms`, firing every timer that falls due, earliest first */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.dueMs <= targetMs)
        .sort((a, b) => a[1].dueMs - b[1].dueMs)[0];
      if (due === undefined) break;
      const [id, timer] = due;
      this.pending.delete(id);
      this.nowMs = timer.dueMs;
      timer.callback();
    }
    this.nowMs = targetMs;
  }
}
