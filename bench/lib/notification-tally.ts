// What the CometD load clients received: counts per group, order per channel, latencies, and a latch on a count.
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import type { BenchTransport } from './cometd-clients.js';
import { type LoadData, type LoadGroup, wallNowMs } from './notification-load.js';

const emptyTwins = (): Record<BenchTransport, Record<LoadGroup, number[]>> => ({
  'long-polling': { recorded: [], direct: [] },
  websocket: { recorded: [], direct: [] },
});

export class NotificationTally {
  readonly received: Record<LoadGroup, number> = { recorded: 0, direct: 0 };
  /** messages whose `seq` was not the one after the last of their channel */
  readonly outOfOrder: Record<LoadGroup, number> = { recorded: 0, direct: 0 };
  /** latencies (ms, receipt minus `sentAtMs`) of clients 0..twins-1 of each group, which got the same notifications */
  twinLatencyMs: Record<LoadGroup, number[]> = { recorded: [], direct: [] };
  /** the same, split by the transport of the client (twins share their transport) */
  readonly twinLatencyByTransportMs = emptyTwins();
  /** latencies of every recorded client */
  recordedLatencyMs: number[] = [];
  /** wall-clock ms of the last receipt */
  lastReceivedAtMs = 0;
  /** latencies are kept only while this is true */
  isSampling = false;
  private readonly lastSeq = new Map<string, number>();
  private waiter: { want: Record<LoadGroup, number>; resolve: () => void } | null = null;

  constructor(
    private readonly twins: number,
    private readonly transportOf: (index: number) => BenchTransport,
  ) {}

  onMessage(group: LoadGroup, index: number, message: BayeuxMessage): void {
    const now = wallNowMs();
    const data = message.data as LoadData;
    const last = this.lastSeq.get(message.channel) ?? 0;
    if (data.seq !== last + 1) this.outOfOrder[group] += 1;
    this.lastSeq.set(message.channel, data.seq);
    this.received[group] += 1;
    this.lastReceivedAtMs = now;
    if (this.isSampling) {
      const latency = now - data.sentAtMs;
      if (group === 'recorded') this.recordedLatencyMs.push(latency);
      if (index < this.twins) {
        this.twinLatencyMs[group].push(latency);
        this.twinLatencyByTransportMs[this.transportOf(index)][group].push(latency);
      }
    }
    const w = this.waiter;
    if (w && this.hasAll(w.want)) {
      this.waiter = null;
      w.resolve();
    }
  }

  /** Resolves true once both groups received `want` in all, false after `timeoutMs`. */
  whenReceived(want: Record<LoadGroup, number>, timeoutMs: number): Promise<boolean> {
    if (this.hasAll(want)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(false);
      }, timeoutMs);
      this.waiter = {
        want,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
  }

  private hasAll(want: Record<LoadGroup, number>): boolean {
    return this.received.recorded >= want.recorded && this.received.direct >= want.direct;
  }
}
