// Benchmark of CometD at scale: 1,000 clients through `gws-vcr record`, notifications/s, added latency, loss, peak RSS.
// Upstream: our Bayeux server (bench/servers/notification-upstream.ts), not the simulator. The simulator publishes one
// notification per control request (`POST /sim/calls`, ~3,000 req/s on 2 busy cores with nobody subscribed) and per
// agent (4 agents): 1,000 clients with their own streams at 10,000+ notifications/s would need more control requests
// than it serves, and fanning one agent's notification out to 1,000 clients at once would measure the clients'
// queue, not the proxy. The upstream sends the simulator's notification shape instead (seed, ~1 KB).
import { Agent } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type ChildServer, startBenchServer, startChild } from '../lib/child.js';
import { cpuMsOf } from '../lib/cpu.js';
import { connectAll, runLoad, transportOf } from '../lib/notification-clients.js';
import { LOAD_CHANNEL_PREFIX, type LoadGroup, wallNowMs } from '../lib/notification-load.js';
import { NotificationTally } from '../lib/notification-tally.js';
import { peakRssMbOf } from '../lib/peak-rss.js';
import { type BenchSection, formatNumber, ms, type SectionResult } from '../lib/section.js';
import { summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Targets from the issue "Benchmarks, load, fault and security suite". */
export const TARGETS = {
  minNotificationsPerSecond: 10_000,
  /** p99 latency through the recorder minus p99 straight to the upstream, same notifications */
  maxAddedP99Ms: 2,
  maxRecorderRssMb: 400,
} as const;

const settings = (isQuick: boolean) => ({
  /** clients through the recorder, half long-polling and half WebSocket */
  clients: isQuick ? 200 : 1000,
  /** of those, official CometD clients (the rest are light clients) */
  officialClients: isQuick ? 4 : 10,
  /** baseline clients straight to the upstream, twins of recorded clients 0..n-1 (same notifications) */
  directClients: isQuick ? 40 : 200,
  /** latency is measured at a steady rate the machine can carry (2 notifications/s per client at full size) */
  latencyRatePerSecond: 2000,
  latencyMs: isQuick ? 2000 : 10_000,
  warmupMs: isQuick ? 500 : 2000,
  /** throughput: an open loop offered twice the target; delivered/s is what came out the far end */
  throughputOfferedPerSecond: 2 * TARGETS.minNotificationsPerSecond,
  throughputMs: isQuick ? 1500 : 5000,
  /** how long to wait for the last notifications after the upstream queued them, before counting the rest lost */
  drainTimeoutMs: 30_000,
  connectConcurrency: 50,
});
type Settings = ReturnType<typeof settings>;

/** CPU ms of this process (the clients) so far */
const clientsCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const countRecorded = (db: string): number => {
  const reader = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return Number(
      reader
        .prepare(
          "SELECT count(*) FROM bayeux_messages WHERE direction = 'to-client' AND channel LIKE ? ESCAPE '\\'",
        )
        .pluck()
        .get(`${LOAD_CHANNEL_PREFIX}/recorded/%`),
    );
  } finally {
    reader.close();
  }
};

const twinSummaries = (latencies: Record<LoadGroup, number[]>) => {
  const recorded = summarize(latencies.recorded);
  const direct = summarize(latencies.direct);
  return { recorded, direct, addedP99Ms: recorded.p99Ms - direct.p99Ms };
};

/** CPU ms each process used while `during` ran. */
const cpuOf = async <T>(
  pids: { recorder: number; upstream: number },
  during: () => Promise<T>,
): Promise<{ result: T; cpuMs: { recorder: number; upstream: number; clients: number } }> => {
  const before = {
    recorder: cpuMsOf(pids.recorder),
    upstream: cpuMsOf(pids.upstream),
    clients: clientsCpuMs(),
  };
  const result = await during();
  return {
    result,
    cpuMs: {
      recorder: cpuMsOf(pids.recorder) - before.recorder,
      upstream: cpuMsOf(pids.upstream) - before.upstream,
      clients: clientsCpuMs() - before.clients,
    },
  };
};

const measure = async (s: Settings, log: (line: string) => void, dir: string) => {
  const upstream = await startBenchServer('notification-upstream');
  const db = join(dir, 'cometd-load.sqlite');
  const recorder: ChildServer = await startChild('gws-vcr.js', [
    ...['record', '--upstream', upstream.url, '--port', '0'],
    ...['--db', db, '--name', 'bench-cometd-load'],
  ]);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const tally = new NotificationTally(s.directClients, transportOf);
  const sent: Record<LoadGroup, number> = { recorded: 0, direct: 0 };
  const pids = { recorder: recorder.pid, upstream: upstream.pid };
  /** One open-loop run: resolves once every notification queued arrived (or the drain timed out). */
  const phase = async (ratePerSecond: number, durationMs: number) => {
    const startedAtMs = wallNowMs();
    const receivedBefore = tally.received.recorded;
    const run = await runLoad(upstream.url, ratePerSecond, durationMs);
    sent.recorded += run.sent.recorded;
    sent.direct += run.sent.direct;
    const isDrained = await tally.whenReceived(sent, s.drainTimeoutMs);
    const received = tally.received.recorded - receivedBefore;
    const elapsedMs = tally.lastReceivedAtMs - startedAtMs;
    return { isDrained, received, elapsedMs, perSecond: (received / elapsedMs) * 1000 };
  };
  try {
    log(
      `cometd-load: connecting ${s.clients} clients through the recorder (${s.officialClients} official) ` +
        `and ${s.directClients} straight to the upstream`,
    );
    const connectStartMs = wallNowMs();
    const clients = await connectAll({
      ...s,
      urls: { recorder: recorder.url, upstream: upstream.url },
      tally,
      agent,
    });
    const connectMs = wallNowMs() - connectStartMs;
    log(`cometd-load: connected in ${ms(connectMs)}; warming up ${s.warmupMs} ms`);
    await phase(s.latencyRatePerSecond, s.warmupMs);
    log(
      `cometd-load: latency at ${formatNumber(s.latencyRatePerSecond)} notifications/s for ${s.latencyMs} ms`,
    );
    tally.isSampling = true;
    const latency = await cpuOf(pids, () => phase(s.latencyRatePerSecond, s.latencyMs));
    tally.isSampling = false;
    log(
      `cometd-load: throughput, ${formatNumber(s.throughputOfferedPerSecond)} notifications/s offered ` +
        `for ${s.throughputMs} ms`,
    );
    const throughput = await cpuOf(pids, () => phase(s.throughputOfferedPerSecond, s.throughputMs));
    const rssMb = peakRssMbOf(recorder.pid);
    const all = [...clients.recorded, ...clients.direct];
    const clientErrors = all.reduce((n, c) => n + (c.errors ?? 0), 0);
    log('cometd-load: disconnecting');
    await Promise.all(all.map((c) => c.disconnect().catch(() => {})));
    const exitCode = await recorder.stop();
    const recorded = countRecorded(db);
    const twins = {
      recorded: summarize(tally.twinLatencyMs.recorded),
      direct: summarize(tally.twinLatencyMs.direct),
    };
    return {
      connectMs,
      latencyPhase: { ...latency.result, cpuMs: latency.cpuMs },
      throughputPhase: { ...throughput.result, cpuMs: throughput.cpuMs },
      notificationsPerSecond: throughput.result.perSecond,
      sent,
      received: { ...tally.received },
      recorded,
      lost: Math.max(sent.recorded - tally.received.recorded, sent.recorded - recorded),
      lostDirect: sent.direct - tally.received.direct,
      outOfOrder: { ...tally.outOfOrder },
      clientErrors,
      latency: {
        twins,
        allRecorded: summarize(tally.recordedLatencyMs),
        byTransport: {
          longPolling: twinSummaries(tally.twinLatencyByTransportMs['long-polling']),
          websocket: twinSummaries(tally.twinLatencyByTransportMs.websocket),
        },
      },
      addedP50Ms: twins.recorded.p50Ms - twins.direct.p50Ms,
      addedP99Ms: twins.recorded.p99Ms - twins.direct.p99Ms,
      recorderPeakRssMb: rssMb,
      recorderCpuUsPerNotification: (throughput.cpuMs.recorder * 1000) / throughput.result.received,
      loadAverage: loadavg(),
      recorderExitCode: exitCode,
      recorderSummary: recorder.stderr().trim(),
    };
  } finally {
    agent.destroy();
    await Promise.all([recorder.stop(), upstream.stop()]);
  }
};

type Measured = Awaited<ReturnType<typeof measure>>;

const tableOf = (s: Settings, m: Measured) => {
  const t = m.latency.twins;
  return {
    title:
      `CometD load through gws-vcr record: ${formatNumber(s.clients)} clients (half long-polling, half websocket; ` +
      `${s.officialClients} official, the rest light), each on its own channel; baseline: ${s.directClients} ` +
      'clients straight to the upstream, sent the same notifications at the same instant',
    rows: [
      {
        label: 'notifications/s delivered and recorded',
        values: [
          `${formatNumber(m.notificationsPerSecond)} /s`,
          `(${formatNumber(s.throughputOfferedPerSecond)} /s offered for ${s.throughputMs / 1000} s)`,
          `recorder CPU ${formatNumber(m.recorderCpuUsPerNotification, 1)} µs/notification`,
        ],
        target: `>= ${formatNumber(TARGETS.minNotificationsPerSecond)} /s`,
        isPass: m.notificationsPerSecond >= TARGETS.minNotificationsPerSecond,
      },
      {
        label: `latency at ${formatNumber(s.latencyRatePerSecond)} /s, direct`,
        values: [
          `p50 ${ms(t.direct.p50Ms)}`,
          `p99 ${ms(t.direct.p99Ms)}`,
          `(${formatNumber(t.direct.count)})`,
        ],
      },
      {
        label: `latency at ${formatNumber(s.latencyRatePerSecond)} /s, recorder`,
        values: [
          `p50 ${ms(t.recorded.p50Ms)}`,
          `p99 ${ms(t.recorded.p99Ms)}`,
          `(${formatNumber(t.recorded.count)}; all ${formatNumber(s.clients)} clients: p99 ${ms(m.latency.allRecorded.p99Ms)})`,
        ],
      },
      {
        label: 'added p99 (recorder - direct)',
        values: [ms(m.addedP99Ms), `added p50 ${ms(m.addedP50Ms)}`],
        target: `< ${TARGETS.maxAddedP99Ms} ms`,
        isPass: m.addedP99Ms < TARGETS.maxAddedP99Ms,
      },
      {
        label: '  added p99 by transport',
        values: [
          `long-polling ${ms(m.latency.byTransport.longPolling.addedP99Ms)}`,
          `websocket ${ms(m.latency.byTransport.websocket.addedP99Ms)}`,
        ],
      },
      {
        label: 'sent / received / recorded',
        values: [
          `${formatNumber(m.sent.recorded)} / ${formatNumber(m.received.recorded)} / ${formatNumber(m.recorded)}`,
          m.outOfOrder.recorded === 0 ? 'in order' : `${m.outOfOrder.recorded} OUT OF ORDER`,
          m.clientErrors > 0 ? `${m.clientErrors} client errors` : '',
        ].filter(Boolean),
        target: '0 lost',
        isPass: m.lost === 0 && m.outOfOrder.recorded === 0,
      },
      {
        label: 'recorder peak RSS',
        values: [`${formatNumber(m.recorderPeakRssMb)} MB`],
        target: `< ${TARGETS.maxRecorderRssMb} MB`,
        isPass: m.recorderPeakRssMb < TARGETS.maxRecorderRssMb,
      },
      {
        label: 'machine while measuring',
        values: [
          `load average ${m.loadAverage.map((n) => formatNumber(n, 2)).join(' ')}`,
          `${availableParallelism()} cores shared by recorder, upstream and clients`,
        ],
      },
    ],
  };
};

export const cometdLoadSection: BenchSection = {
  name: 'cometd-load',
  run: async (context): Promise<SectionResult> => {
    const s = settings(context.isQuick);
    return withTempDir('cometd-load', async (dir) => {
      const m = await measure(s, context.log, dir);
      return { tables: [tableOf(s, m)], data: { targets: TARGETS, settings: s, ...m } };
    });
  },
};
