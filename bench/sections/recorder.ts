// Benchmark of the recorder: REST throughput and latency (direct, bare http-proxy, gws-vcr record) and notifications/s.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_CHANNEL } from '../lib/bench-channel.js';
import { startBenchServer } from '../lib/child.js';
import { type BenchTransport, connectBenchClient } from '../lib/cometd-clients.js';
import {
  compareProxies,
  countRows,
  loadRow,
  PROXY_LABELS,
  perRound,
  REST_PATH,
  type RestBenchContext,
  restLoadSettings,
  restLoadTitle,
  startRecorderChild,
  summaries,
} from '../lib/proxy-compare.js';
import {
  type BenchContext,
  type BenchSection,
  formatNumber,
  ms,
  type SectionResult,
} from '../lib/section.js';
import { median } from '../lib/stats.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Targets from the issue "Record: the capturing proxy". */
export const TARGETS = {
  /** recorder throughput over bare http-proxy throughput */
  minThroughputRatio: 0.85,
  /** recorder p99 minus direct p99 at a fixed 1,000 req/s */
  maxAddedP99Ms: 1,
  fixedRatePerSecond: 1000,
} as const;

const settings = (context: RestBenchContext) => ({
  ...restLoadSettings(context),
  /** measurements alternate between targets, round after round, so a busy spell hits all of them alike */
  rounds: context.isQuick ? 2 : 6,
  clients: context.isQuick ? 20 : 60,
  notificationsPerClient: context.isQuick ? 100 : 300,
});

/** The per-round figures a median sums up, in the order measured: a drift from first to last is a warm-up. */
const roundsInOrder = (figures: number[], format: (figure: number) => string): string =>
  figures.length < 2 ? '' : `rounds ${figures.map(format).join(', ')}`;

/** Lowest to highest of the per-round figures a median sums up: how far one busy spell moved it. */
const roundsRange = (figures: number[], format: (figure: number) => string): string => {
  const seen = figures.filter(Number.isFinite);
  return seen.length < 2 ? '' : `rounds ${format(Math.min(...seen))} to ${format(Math.max(...seen))}`;
};

type Target = 'direct' | 'relay' | 'bare' | 'record';
const TARGET_NAMES: readonly Target[] = ['direct', 'relay', 'bare', 'record'];
const LABELS: Record<Target, string> = { ...PROXY_LABELS, relay: 'TCP byte relay (floor)' };

const restBenchmark = async (context: BenchContext, dir: string) => {
  const s = settings(context);
  const upstream = await startBenchServer('rest-upstream');
  const relay = await startBenchServer('tcp-relay', [upstream.url]);
  const bare = await startBenchServer('bare-proxy', [upstream.url]);
  const db = join(dir, 'rest.sqlite');
  const recorder = await startRecorderChild(upstream.url, db);
  try {
    const { throughput, fixed, warmupRequests } = await compareProxies({
      ...s,
      name: 'recorder',
      targets: TARGET_NAMES,
      servers: { direct: null, relay, bare, record: recorder },
      upstreamUrl: upstream.url,
      log: context.log,
      fixedRateRounds: s.rounds,
      fixedRatePerSecond: TARGETS.fixedRatePerSecond,
    });
    const exitCode = await recorder.stop();
    const sent = [...throughput.record, ...fixed.record].reduce(
      (n, r) => n + r.result.requests + r.result.errors,
      warmupRequests.record,
    );
    const recorded = countRows(
      db,
      "SELECT count(*) FROM exchanges WHERE path = ? AND kind = 'http'",
      REST_PATH,
    );
    // Pairwise per round: each figure compares two runs that were seconds apart.
    const ratios = perRound(
      throughput.record,
      throughput.bare,
      (a, b) => a.requestsPerSecond / b.requestsPerSecond,
    );
    const addedP99 = (target: typeof fixed.direct, baseline: typeof fixed.direct) =>
      perRound(target, baseline, (a, b) => a.p99Ms - b.p99Ms);
    const addedP99sMs = addedP99(fixed.record, fixed.direct);
    return {
      throughput: summaries(throughput),
      fixed: summaries(fixed),
      ratio: median(ratios),
      ratios,
      addedP99Ms: median(addedP99sMs),
      addedP99sMs,
      addedP99OverBareMs: median(addedP99(fixed.record, fixed.bare)),
      /** the proxy hop alone, recorder aside: a proxy built on http-proxy adds about this much at least */
      bareAddedP99OverDirectMs: median(addedP99(fixed.bare, fixed.direct)),
      /** a process relaying bytes, HTTP aside: what any proxy adds at least on this machine */
      relayAddedP99OverDirectMs: median(addedP99(fixed.relay, fixed.direct)),
      sentThroughRecorder: sent,
      recorded,
      recorderExitCode: exitCode,
      recorderSummary: recorder.stderr().trim(),
    };
  } finally {
    await Promise.all([recorder.stop(), bare.stop(), relay.stop(), upstream.stop()]);
  }
};

const notificationsBenchmark = async (context: BenchContext, dir: string) => {
  const s = settings(context);
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
    return withTempDir('recorder', async (dir) => {
      const rest = await restBenchmark(context, dir);
      const notifications = await notificationsBenchmark(context, dir);
      const s = settings(context);
      const t = rest.throughput;
      const f = rest.fixed;
      const cpuRatio = t.bare.cpuUsPerRequest / t.record.cpuUsPerRequest;
      return {
        tables: [
          {
            title: restLoadTitle('REST throughput', s),
            rows: [
              loadRow(LABELS.direct, t.direct),
              loadRow(LABELS.relay, t.relay),
              loadRow(LABELS.bare, t.bare),
              loadRow(LABELS.record, t.record),
              {
                label: 'record / bare http-proxy',
                values: [
                  `${formatNumber(rest.ratio, 2)}x throughput`,
                  `(${formatNumber(cpuRatio, 2)}x CPU efficiency)`,
                  roundsInOrder(rest.ratios, (r) => `${formatNumber(r, 2)}x`),
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
              loadRow(LABELS.direct, f.direct),
              loadRow(LABELS.relay, f.relay),
              loadRow(LABELS.bare, f.bare),
              loadRow(LABELS.record, f.record),
              {
                label: 'added p99 (TCP byte relay - direct)',
                values: [ms(rest.relayAddedP99OverDirectMs), 'the floor of any proxy process here'],
              },
              { label: 'added p99 (bare http-proxy - direct)', values: [ms(rest.bareAddedP99OverDirectMs)] },
              { label: 'added p99 (record - bare http-proxy)', values: [ms(rest.addedP99OverBareMs)] },
              {
                label: 'added p99 (record - direct)',
                values: [ms(rest.addedP99Ms), roundsRange(rest.addedP99sMs, ms)],
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
    });
  },
};
