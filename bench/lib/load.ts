// HTTP load generator: N concurrent keep-alive clients for a fixed time, or a fixed request rate (open loop).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type LatencySummary, summarize } from './stats.js';

export interface LoadResult extends LatencySummary {
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
}

export interface LoadTarget {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

const once = (agent: Agent, target: LoadTarget): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request(
      target.url,
      { method: target.method ?? 'GET', agent, headers: target.headers },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(target.body);
  });

/** What one way of sending load does for `durationMs`: latencies of the answered requests go into `samples`. */
type Loop = (
  agent: Agent,
  durationMs: number,
  samples: number[],
) => Promise<{ errors: number; durationMs: number }>;

/** Runs `loop` once to warm up (its samples dropped), then for real, on one keep-alive agent; sums it up. */
const measure = async (
  loop: Loop,
  maxSockets: number,
  options: { durationMs: number; warmupMs?: number },
): Promise<LoadResult> => {
  const agent = new Agent({ keepAlive: true, maxSockets });
  try {
    if (options.warmupMs) await loop(agent, options.warmupMs, []);
    const samples: number[] = [];
    const { errors, durationMs } = await loop(agent, options.durationMs, samples);
    return {
      ...summarize(samples),
      requests: samples.length,
      errors,
      durationMs,
      requestsPerSecond: (samples.length / durationMs) * 1000,
    };
  } finally {
    agent.destroy();
  }
};

/** Closed loop: `concurrency` clients each send the next request as soon as the last one answered. */
export const runConcurrent = (
  target: LoadTarget,
  options: { concurrency: number; durationMs: number; warmupMs?: number },
): Promise<LoadResult> =>
  measure(
    (agent, durationMs, samples) => closedLoop(agent, target, options.concurrency, durationMs, samples),
    options.concurrency,
    options,
  );

const closedLoop = async (
  agent: Agent,
  target: LoadTarget,
  concurrency: number,
  durationMs: number,
  samples: number[],
): Promise<{ errors: number; durationMs: number }> => {
  const start = performance.now();
  const end = start + durationMs;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const ok = await once(agent, target);
      if (ok) samples.push(performance.now() - t0);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { errors, durationMs: performance.now() - start };
};

/**
 * Open loop at a fixed rate: requests go out every 1000/rate ms whether or not earlier ones answered (a
 * stalled server gets more concurrent requests, not fewer, so a stall shows up in p99). Each latency counts
 * from when its request was sent: the generator sleeps on timers (~1 ms resolution) instead of spinning,
 * which would steal a core from the servers measured, so a request may leave up to a timer tick late.
 */
export const runFixedRate = (
  target: LoadTarget,
  options: { ratePerSecond: number; durationMs: number; warmupMs?: number },
): Promise<LoadResult> =>
  measure(
    (agent, durationMs, samples) => openLoop(agent, target, options.ratePerSecond, durationMs, samples),
    256,
    options,
  );

const openLoop = async (
  agent: Agent,
  target: LoadTarget,
  ratePerSecond: number,
  durationMs: number,
  samples: number[],
): Promise<{ errors: number; durationMs: number }> => {
  const intervalMs = 1000 / ratePerSecond;
  const total = Math.floor((durationMs / 1000) * ratePerSecond);
  const start = performance.now();
  const inFlight: Array<Promise<void>> = [];
  let errors = 0;
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      sent += 1;
      const sentAt = performance.now();
      inFlight.push(
        once(agent, target).then((ok) => {
          if (ok) samples.push(performance.now() - sentAt);
          else errors += 1;
        }),
      );
    }
    const nextDue = start + sent * intervalMs;
    await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, nextDue - performance.now())));
  }
  await Promise.all(inFlight);
  return { errors, durationMs: performance.now() - start };
};
