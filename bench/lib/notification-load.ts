// What the notification-load upstream (a child process) and the CometD load section agree on: channels, payload, clock.
import { performance } from 'node:perf_hooks';

/** Every load channel starts with this; one channel per client, so each client has its own stream. */
export const LOAD_CHANNEL_PREFIX = '/bench/load';

/** `recorded` clients connect through the recorder; `direct` clients are the baseline, straight to the upstream. */
export type LoadGroup = 'recorded' | 'direct';

/** The channel of client `index` of `group`, e.g. `/bench/load/recorded/17`. */
export const loadChannel = (group: LoadGroup, index: number): string =>
  `${LOAD_CHANNEL_PREFIX}/${group}/${index}`;

/** Parses a load channel back; null for any other channel. */
export const parseLoadChannel = (channel: string): { group: LoadGroup; index: number } | null => {
  const match = /^\/bench\/load\/(recorded|direct)\/(\d+)$/.exec(channel);
  if (!match?.[1] || !match[2]) return null;
  return { group: match[1] as LoadGroup, index: Number(match[2]) };
};

/** The fields of a load notification the bench reads; the rest is a GWS call notification. */
export interface LoadData {
  /** 1, 2, 3… per channel, so loss and reordering show */
  seq: number;
  /** wall-clock ms (sub-ms) when the upstream queued it; see `wallNowMs` */
  sentAtMs: number;
}

/**
 * Wall-clock ms with sub-millisecond resolution, comparable across processes on one machine (each process's
 * high-resolution clock anchored at its own time origin). Latencies across processes may carry a constant offset
 * of a fraction of a millisecond; a difference of two latencies measured by the same pair of processes does not.
 */
export const wallNowMs = (): number => performance.timeOrigin + performance.now();

/** What `POST /bench/run` answers: notifications queued per group. */
export interface LoadRunReply {
  sent: Record<LoadGroup, number>;
  durationMs: number;
  /** clients the upstream knew per group when the run began */
  clients: Record<LoadGroup, number>;
}
