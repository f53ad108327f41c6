// Benchmark of replay timing: how far each replayed notification's delay lands from the recorded one, at speed 1 and 10.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CometD } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { openStore } from '../../src/store/index.js';
import { startChild } from '../lib/child.js';
import type { BenchTransport } from '../lib/cometd-clients.js';
import { type BenchContext, type BenchSection, ms, type SectionResult } from '../lib/section.js';
import { type LatencySummary, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Target from the issue "Replay: a recorded session as a stand-in GWS server". */
export const TARGETS = { maxP99ErrorMsAtSpeed1: 5 } as const;

/** Recorded delays (ms) of the notifications that follow each request of the synthetic session. */
const DELAYS_MS = [5, 20, 60, 150] as const;
const CHANNEL = '/v2/me/calls';
const STEP_GAP_MS = 1000;

// The first requests of a fresh replay process run cold (JIT, first connection): played, not counted.
const WARMUP_STEPS = 3;

const settings = (isQuick: boolean) => ({ steps: WARMUP_STEPS + (isQuick ? 15 : 60) });

/**
 * A session as `gws-vcr record` would store it: handshake, subscribe, then `steps` POSTs one second apart,
 * each followed by one notification per DELAYS_MS entry.
 */
const writeSession = (db: string, steps: number): void => {
  const store = openStore(db);
  try {
    const session = store.createSession({
      name: 'replay-bench',
      upstream: 'http://127.0.0.1:8080',
      source: 'record',
      listenOrigin: 'http://127.0.0.1:8090',
      originWallMs: Date.now(),
      notificationsPath: '/api/v2/notifications',
    });
    const message = (
      id: number,
      atMs: number,
      direction: 'to-server' | 'to-client',
      body: Record<string, unknown>,
    ) => ({
      id,
      exchangeId: null,
      direction,
      transport: 'websocket' as const,
      channel: String(body.channel),
      clientId: null,
      messageId: null,
      successful: null,
      atMs,
      message: body,
    });
    const messages = [
      message(1, 1, 'to-server', { channel: '/meta/handshake', version: '1.0' }),
      message(2, 2, 'to-server', { channel: '/meta/subscribe', subscription: CHANNEL }),
    ];
    const exchanges = [];
    for (let step = 0; step < steps; step++) {
      const startMs = 100 + step * STEP_GAP_MS;
      exchanges.push({
        id: step + 1,
        kind: 'http' as const,
        method: 'POST',
        path: '/api/v2/me/calls/BENCH',
        query: '',
        requestHeaders: [['content-type', 'application/json']] as Array<[string, string]>,
        requestBody: Buffer.from(JSON.stringify({ operationName: 'Step', step })),
        requestBodyBytes: 0,
        status: 200,
        responseHeaders: [['content-type', 'application/json']] as Array<[string, string]>,
        responseBody: Buffer.from('{"statusCode":0}'),
        responseBodyBytes: 16,
        startMs,
        firstByteMs: startMs + 1,
        endMs: startMs + 1,
        error: null,
        flags: [],
      });
      DELAYS_MS.forEach((delayMs, i) => {
        const id = messages.length + 1;
        messages.push(message(id, startMs + delayMs, 'to-client', { channel: CHANNEL, data: { step, i } }));
      });
    }
    store.writeRows(session.id, { exchanges, messages });
  } finally {
    store.close();
  }
};

interface Arrival {
  step: number;
  i: number;
  atMs: number;
}

/** The official client on one transport, subscribed to CHANNEL, timing every arrival. */
const connect = (url: string, transport: BenchTransport) => {
  const cometd = new CometD();
  for (const type of cometd.getTransportTypes()) if (type !== transport) cometd.unregisterTransport(type);
  cometd.configure({ url: `${url}/api/v2/notifications`, logLevel: 'warn' });
  const arrivals: Arrival[] = [];
  let waiter: { count: number; resolve: () => void } | null = null;
  return new Promise<{ arrivals: Arrival[]; until(count: number): Promise<void>; close(): Promise<void> }>(
    (resolve, reject) => {
      cometd.handshake((reply) => {
        if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
        cometd.subscribe(
          CHANNEL,
          (m) => {
            const data = m.data as { step: number; i: number };
            arrivals.push({ step: data.step, i: data.i, atMs: performance.now() });
            if (waiter && arrivals.length >= waiter.count) {
              waiter.resolve();
              waiter = null;
            }
          },
          (ack) => {
            if (!ack.successful) return reject(new Error(`subscribe failed: ${JSON.stringify(ack)}`));
            resolve({
              arrivals,
              until: (count) =>
                arrivals.length >= count
                  ? Promise.resolve()
                  : new Promise((done) => (waiter = { count, resolve: done })),
              close: () => new Promise((done) => cometd.disconnect(() => done())),
            });
          },
        );
      });
    },
  );
};

interface Errors {
  /** client-side: arrival minus request sent, minus recorded delay / speed */
  client: number[];
  /** server-side, from /__vcr/status: hand-over to the Bayeux server minus planned time */
  server: number[];
}

/** Replays the session at `speed` in a child process; measures every notification's timing error. */
const measure = async (
  db: string,
  steps: number,
  speed: number,
  transport: BenchTransport,
): Promise<Errors> => {
  const replay = await startChild('gws-vcr.js', [
    'replay',
    '--db',
    db,
    '--port',
    '0',
    '--speed',
    String(speed),
  ]);
  try {
    const client = await connect(replay.url, transport);
    const errors: number[] = [];
    try {
      for (let step = 0; step < steps; step++) {
        const sentAtMs = performance.now();
        const response = await fetch(`${replay.url}/api/v2/me/calls/BENCH`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ operationName: 'Step', step }),
        });
        if (response.status !== 200)
          throw new Error(`step ${step}: HTTP ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        await client.until((step + 1) * DELAYS_MS.length);
        if (step < WARMUP_STEPS) continue;
        for (const arrival of client.arrivals.filter((a) => a.step === step)) {
          errors.push(arrival.atMs - sentAtMs - (DELAYS_MS[arrival.i] as number) / speed);
        }
      }
    } finally {
      await client.close();
    }
    const status = (await (await fetch(`${replay.url}/__vcr/status`)).json()) as {
      clients: Array<{ delivered: Array<{ actualDelayMs: number; plannedDelayMs: number }> }>;
    };
    const delivered = status.clients.flatMap((c) => c.delivered).slice(WARMUP_STEPS * DELAYS_MS.length);
    return { client: errors, server: delivered.map((d) => d.actualDelayMs - d.plannedDelayMs) };
  } finally {
    await replay.stop();
  }
};

const errorValues = (s: LatencySummary): string[] => [
  `p50 ${ms(s.p50Ms)}`,
  `p99 ${ms(s.p99Ms)}`,
  `max ${ms(s.maxMs)}`,
  `${s.count} notifications`,
];

export const replaySection: BenchSection = {
  name: 'replay',
  run: async ({ isQuick, log }: BenchContext): Promise<SectionResult> => {
    adapt();
    const { steps } = settings(isQuick);
    return withTempDir('replay', async (dir) => {
      const db = join(dir, 'replay.sqlite');
      writeSession(db, steps);
      const rows = [];
      const data: Record<string, LatencySummary> = {};
      for (const transport of ['websocket', 'long-polling'] as const) {
        for (const speed of [1, 10]) {
          log(
            `replay timing: ${steps} requests x ${DELAYS_MS.length} notifications, speed ${speed}, ${transport}`,
          );
          const errors = await measure(db, steps, speed, transport);
          const summary = summarize(errors.client);
          const server = summarize(errors.server);
          data[`${transport} speed ${speed}`] = summary;
          data[`${transport} speed ${speed} server-side`] = server;
          const hasTarget = speed === 1;
          rows.push({
            label: `speed ${speed}, ${transport}`,
            values: [...errorValues(summary), `(server-side p99 ${ms(server.p99Ms)})`],
            ...(hasTarget
              ? {
                  target: `p99 < ${TARGETS.maxP99ErrorMsAtSpeed1} ms`,
                  isPass: summary.p99Ms < TARGETS.maxP99ErrorMsAtSpeed1,
                }
              : {}),
          });
        }
      }
      return {
        tables: [{ title: 'Replay timing error (replayed minus recorded delay, client-side)', rows }],
        data: { delaysMs: DELAYS_MS, steps, errors: data },
      };
    });
  },
};
