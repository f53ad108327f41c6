// Benchmark of the recorder: REST throughput and latency (direct, bare http-proxy, gws-vcr record) and notifications/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { BENCH_CHANNEL } from '../lib/bench-channel.js';
import { type ChildServer, startBenchServer, startChild } from '../lib/child.js';
import { type BenchTransport, connectBenchClient } from '../lib/cometd-clients.js';
import { cpuMsOf } from '../lib/cpu.js';
import { type LoadResult, runConcurrent, runFixedRate } from '../lib/load.js';
import {
  type BenchContext,
  type BenchRow,
  type BenchSection,
  formatNumber,
  ms,
  type SectionResult,
} from '../lib/section.js';

/** Targets from the issue "Record: the capturing proxy". */
export const TARGETS = {
  /** recorder throughput over bare http-proxy throughput */
  minThroughputRatio: 0.85,
  /** recorder p99 minus direct p99 at a fixed 1,000 req/s */
  maxAddedP99Ms: 1,
  fixedRatePerSecond: 1000,
} as const;

const settings = (isQuick: boolean) => ({
  concurrency: 32,
  /** measurements alternate between targets, round after round, so a busy spell hits all of them alike */
  rounds: isQuick ? 2 : 4,
  throughputMsPerRound: isQuick ? 1000 : 2000,
  fixedRateMsPerRound: isQuick ? 1000 : 2000,
  warmupMs: isQuick ? 300 : 1000,
  clients: isQuick ? 20 : 60,
  notificationsPerClient: isQuick ? 100 : 300,
});

const REST_PATH = '/api/v2/me';
type Target = 'direct' | 'bare' | 'record';
const TARGET_NAMES: readonly Target[] = ['direct', 'bare', 'record'];
const LABELS: Record<Target, string> = {
  direct: 'direct to upstream',
  bare: 'bare http-proxy',
  record: 'gws-vcr record',
};

const median = (values: number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Measured {
  result: LoadResult;
  /** CPU µs the proxy process spent per request; NaN for direct */
  cpuUsPerRequest: number;
}

/** Runs `measure` against each target once per round, in a rotating order. */
const interleave = async (
  rounds: number,
  measure: (target: Target) => Promise<Measured>,
): Promise<Record<Target, Measured[]>> => {
  const out: Record<Target, Measured[]> = { direct: [], bare: [], record: [] };
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < TARGET_NAMES.length; i++) {
      const target = TARGET_NAMES[(i + round) % TARGET_NAMES.length] as Target;
      out[target].push(await measure(target));
    }
  }
  return out;
};

const summary = (runs: Measured[]) => ({
  requestsPerSecond: median(runs.map((r) => r.result.requestsPerSecond)),
  p50Ms: median(runs.map((r) => r.result.p50Ms)),
  p99Ms: median(runs.map((r) => r.result.p99Ms)),
  errors: runs.reduce((n, r) => n + r.result.errors, 0),
  cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
  runs: runs.map((r) => ({ ...r.result, cpuUsPerRequest: r.cpuUsPerRequest })),
});
type Summary = ReturnType<typeof summary>;

const loadRow = (label: string, s: Summary, withCpu: boolean): BenchRow => ({
  label,
  values: [
    `${formatNumber(s.requestsPerSecond)} req/s`,
    `p50 ${ms(s.p50Ms)}`,
    `p99 ${ms(s.p99Ms)}`,
    withCpu && Number.isFinite(s.cpuUsPerRequest)
      ? `proxy CPU ${formatNumber(s.cpuUsPerRequest, 1)} µs/req`
      : '',
    s.errors > 0 ? `${s.errors} errors` : '',
  ].filter(Boolean),
});

const countRows = (db: string, sql: string, ...params: unknown[]): number => {
  const reader = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return Number(
      reader
        .prepare(sql)
        .pluck()
        .get(...params),
    );
  } finally {
    reader.close();
  }
};

/** `gws-vcr record` itself (the CLI, through its bin), recording into a fresh file. */
const startRecorderChild = (upstream: string, db: string): Promise<ChildServer> =>
  startChild('gws-vcr.js', ['record', '--upstream', upstream, '--port', '0', '--db', db, '--name', 'bench']);

const restBenchmark = async (context: BenchContext, dir: string) => {
  const s = settings(context.isQuick);
  const upstream = await startBenchServer('rest-upstream');
  const bare = await startBenchServer('bare-proxy', [upstream.url]);
  const db = join(dir, 'rest.sqlite');
  const recorder = await startRecorderChild(upstream.url, db);
  try {
    const servers: Record<Target, ChildServer | null> = { direct: null, bare, record: recorder };
    const urlOf = (t: Target): string =>
      (t === 'direct' ? upstream.url : (servers[t] as ChildServer).url) + REST_PATH;
    const withCpu = async (t: Target, run: () => Promise<LoadResult>): Promise<Measured> => {
      const pid = servers[t]?.pid;
      const before = pid === undefined ? Number.NaN : cpuMsOf(pid);
      const result = await run();
      const after = pid === undefined ? Number.NaN : cpuMsOf(pid);
      return { result, cpuUsPerRequest: ((after - before) * 1000) / result.requests };
    };
    context.log('recorder: warming up');
    let warmupThroughRecorder = 0;
    for (const t of TARGET_NAMES) {
      const warm = await runConcurrent(
        { url: urlOf(t) },
        { concurrency: s.concurrency, durationMs: s.warmupMs },
      );
      if (t === 'record') warmupThroughRecorder = warm.requests + warm.errors;
    }
    context.log(`recorder: throughput, ${s.rounds} rounds of ${s.throughputMsPerRound} ms per target`);
    const throughput = await interleave(s.rounds, (t) =>
      withCpu(t, () =>
        runConcurrent({ url: urlOf(t) }, { concurrency: s.concurrency, durationMs: s.throughputMsPerRound }),
      ),
    );
    context.log(
      `recorder: latency at ${TARGETS.fixedRatePerSecond} req/s, ${s.rounds} rounds of ${s.fixedRateMsPerRound} ms`,
    );
    const fixed = await interleave(s.rounds, (t) =>
      withCpu(t, () =>
        runFixedRate(
          { url: urlOf(t) },
          { ratePerSecond: TARGETS.fixedRatePerSecond, durationMs: s.fixedRateMsPerRound },
        ),
      ),
    );
    const exitCode = await recorder.stop();
    const sent = [...throughput.record, ...fixed.record].reduce(
      (n, r) => n + r.result.requests + r.result.errors,
      warmupThroughRecorder,
    );
    const recorded = countRows(
      db,
      "SELECT count(*) FROM exchanges WHERE path = ? AND kind = 'http'",
      REST_PATH,
    );
    // Pairwise per round: each ratio compares two runs that were seconds apart.
    const ratios = throughput.record.map(
      (r, i) => r.result.requestsPerSecond / (throughput.bare[i]?.result.requestsPerSecond ?? Number.NaN),
    );
    const addedP99 = fixed.record.map(
      (r, i) => r.result.p99Ms - (fixed.direct[i]?.result.p99Ms ?? Number.NaN),
    );
    const addedP99OverBare = fixed.record.map(
      (r, i) => r.result.p99Ms - (fixed.bare[i]?.result.p99Ms ?? Number.NaN),
    );
    return {
      throughput: {
        direct: summary(throughput.direct),
        bare: summary(throughput.bare),
        record: summary(throughput.record),
      },
      fixed: { direct: summary(fixed.direct), bare: summary(fixed.bare), record: summary(fixed.record) },
      ratio: median(ratios),
      ratios,
      addedP99Ms: median(addedP99),
      addedP99OverBareMs: median(addedP99OverBare),
      sentThroughRecorder: sent,
      recorded,
      recorderExitCode: exitCode,
      recorderSummary: recorder.stderr().trim(),
    };
  } finally {
    await Promise.all([recorder.stop(), bare.stop(), upstream.stop()]);
  }
};

const notificationsBenchmark = async (context: BenchContext, dir: string) => {
  const s = settings(context.isQuick);
  const upstream = await startBenchServer('bayeux-upstream');
  const db = join(dir, 'notifications.sqlite');
  const recorder = await startRecorderChild(upstream.url, db);
  try {
    const transports: BenchTransport[] = ['long-polling', 'websocket'];
    context.log(`recorder: connecting ${s.clients} CometD clients (half long-polling, half websocket)`);
    const clients = await Promise.all(
      Array.from({ length: s.clients }, (_, i) =>
        connectBenchClient(
          `${recorder.url}/api/v2/notifications`,
          transports[i % 2] as BenchTransport,
          BENCH_CHANNEL,
        ),
      ),
    );
    context.log(`recorder: publishing ${s.notificationsPerClient} notifications to each client`);
    const startedAt = performance.now();
    const reply = await fetch(`${upstream.url}/bench/publish?count=${s.notificationsPerClient}`, {
      method: 'POST',
    });
    const { delivered } = (await reply.json()) as { delivered: number };
    await Promise.all(clients.map((c) => c.whenReceived(s.notificationsPerClient)));
    const elapsedMs = performance.now() - startedAt;
    const received = clients.reduce((n, c) => n + c.received.length, 0);
    const inOrder = clients.every((c) => c.received.every((seq, i) => seq === i + 1));
    await Promise.all(clients.map((c) => c.disconnect()));
    await recorder.stop();
    const recorded = countRows(
      db,
      "SELECT count(*) FROM bayeux_messages WHERE channel = ? AND direction = 'to-client'",
      BENCH_CHANNEL,
    );
    return {
      clients: s.clients,
      perClient: s.notificationsPerClient,
      delivered,
      received,
      recorded,
      inOrder,
      elapsedMs,
      notificationsPerSecond: (received / elapsedMs) * 1000,
      lost: Math.max(delivered - received, delivered - recorded),
    };
  } finally {
    await Promise.all([recorder.stop(), upstream.stop()]);
  }
};

export const recorderSection: BenchSection = {
  name: 'recorder',
  run: async (context): Promise<SectionResult> => {
    const dir = mkdtempSync(join(tmpdir(), 'gws-vcr-bench-'));
    try {
      const rest = await restBenchmark(context, dir);
      const notifications = await notificationsBenchmark(context, dir);
      const s = settings(context.isQuick);
      const t = rest.throughput;
      const f = rest.fixed;
      const cpuRatio = t.bare.cpuUsPerRequest / t.record.cpuUsPerRequest;
      return {
        tables: [
          {
            title:
              `REST throughput: GET ${REST_PATH}, ${s.concurrency} concurrent keep-alive clients, ` +
              `median of ${s.rounds} interleaved ${s.throughputMsPerRound / 1000} s runs`,
            rows: [
              loadRow(LABELS.direct, t.direct, false),
              loadRow(LABELS.bare, t.bare, true),
              loadRow(LABELS.record, t.record, true),
              {
                label: 'record / bare http-proxy',
                values: [
                  `${formatNumber(rest.ratio, 2)}x throughput`,
                  `(${formatNumber(cpuRatio, 2)}x CPU efficiency)`,
                ],
                target: `>= ${TARGETS.minThroughputRatio}x`,
                isPass: rest.ratio >= TARGETS.minThroughputRatio,
              },
              {
                label: 'exchanges recorded',
                values: [`${formatNumber(rest.recorded)} of ${formatNumber(rest.sentThroughRecorder)} sent`],
                target: 'all',
                isPass: rest.recorded === rest.sentThroughRecorder,
              },
            ],
          },
          {
            title:
              `REST latency at a fixed ${formatNumber(TARGETS.fixedRatePerSecond)} req/s, ` +
              `median of ${s.rounds} interleaved ${s.fixedRateMsPerRound / 1000} s runs`,
            rows: [
              loadRow(LABELS.direct, f.direct, false),
              loadRow(LABELS.bare, f.bare, true),
              loadRow(LABELS.record, f.record, true),
              { label: 'added p99 (record - bare http-proxy)', values: [ms(rest.addedP99OverBareMs)] },
              {
                label: 'added p99 (record - direct)',
                values: [ms(rest.addedP99Ms)],
                target: `< ${TARGETS.maxAddedP99Ms} ms`,
                isPass: rest.addedP99Ms < TARGETS.maxAddedP99Ms,
              },
            ],
          },
          {
            title: `Notifications through gws-vcr record: ${notifications.clients} official CometD clients (half long-polling, half websocket)`,
            rows: [
              {
                label: 'notifications/s delivered',
                values: [
                  `${formatNumber(notifications.notificationsPerSecond)} /s`,
                  `${formatNumber(notifications.received)} in ${ms(notifications.elapsedMs)}`,
                ],
              },
              {
                label: 'sent / received / recorded',
                values: [
                  `${formatNumber(notifications.delivered)} / ${formatNumber(notifications.received)} / ${formatNumber(notifications.recorded)}`,
                  notifications.inOrder ? 'in order' : 'OUT OF ORDER',
                ],
                target: '0 lost',
                isPass: notifications.lost === 0 && notifications.inOrder,
              },
            ],
          },
        ],
        data: { targets: TARGETS, settings: s, rest, notifications },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
