// Benchmark against the peer: REST through `gws-vcr record` vs `mitmdump -w` (mitmproxy), with direct and bare http-proxy.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type ChildServer, startBenchServer, startChild } from '../lib/child.js';
import { cpuMsOf } from '../lib/cpu.js';
import { type LoadResult, runConcurrent, runFixedRate } from '../lib/load.js';
import { findMitmdump, startMitmdump } from '../lib/mitmdump.js';
import { peakRssMbOf } from '../lib/peak-rss.js';
import {
  type BenchContext,
  type BenchRow,
  type BenchSection,
  formatNumber,
  ms,
  type SectionResult,
} from '../lib/section.js';
import { median } from '../lib/stats.js';

/** Target from the issue "Benchmarks, load, fault and security suite". */
export const TARGETS = {
  /** gws-vcr record throughput over mitmdump -w throughput */
  minRatioOverMitmdump: 10,
} as const;

// The recorder section's load generator and run lengths, so the two sections' numbers read side by side; fewer
// rounds than it (four proxies here, and the whole bench must stay under 5 minutes on 2 cores).
const settings = (isQuick: boolean) => ({
  concurrency: 32,
  rounds: isQuick ? 2 : 3,
  throughputMsPerRound: isQuick ? 1000 : 2000,
  fixedRateMsPerRound: isQuick ? 1000 : 2000,
  fixedRateRounds: isQuick ? 1 : 2,
  warmupMs: isQuick ? 300 : 1000,
  /** a rate every proxy here carries (mitmdump tops out near 1,000 req/s), so latency is not a queue */
  fixedRatePerSecond: 200,
});
type Settings = ReturnType<typeof settings>;

const REST_PATH = '/api/v2/me';
const SKIPPED = 'skipped: mitmdump not installed (apt-get install mitmproxy)';
type Target = 'direct' | 'bare' | 'record' | 'mitmdump';
const TARGET_NAMES: readonly Target[] = ['direct', 'bare', 'record', 'mitmdump'];
const LABELS: Record<Target, string> = {
  direct: 'direct to upstream',
  bare: 'bare http-proxy',
  record: 'gws-vcr record',
  mitmdump: 'mitmdump -w',
};

interface Measured {
  result: LoadResult;
  /** CPU µs the proxy process spent per request; NaN for direct */
  cpuUsPerRequest: number;
}

/** Runs `measure` against each target once per round, in a rotating order, so a busy spell hits all alike. */
const interleave = async (
  rounds: number,
  measure: (target: Target) => Promise<Measured>,
): Promise<Record<Target, Measured[]>> => {
  const out: Record<Target, Measured[]> = { direct: [], bare: [], record: [], mitmdump: [] };
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

const summaries = (runs: Record<Target, Measured[]>): Record<Target, Summary> => ({
  direct: summary(runs.direct),
  bare: summary(runs.bare),
  record: summary(runs.record),
  mitmdump: summary(runs.mitmdump),
});

/** Median over rounds of a / b, each pair measured in the same round. */
const pairedRatio = (a: Measured[], b: Measured[]): number =>
  median(a.map((r, i) => r.result.requestsPerSecond / (b[i]?.result.requestsPerSecond ?? Number.NaN)));

const loadRow = (label: string, s: Summary, rssMb?: number): BenchRow => ({
  label,
  values: [
    `${formatNumber(s.requestsPerSecond)} req/s`,
    `p50 ${ms(s.p50Ms)}`,
    `p99 ${ms(s.p99Ms)}`,
    Number.isFinite(s.cpuUsPerRequest) ? `proxy CPU ${formatNumber(s.cpuUsPerRequest, 1)} µs/req` : '',
    rssMb !== undefined && Number.isFinite(rssMb) ? `peak RSS ${formatNumber(rssMb)} MB` : '',
    s.errors > 0 ? `${s.errors} errors` : '',
  ].filter(Boolean),
});

const measure = async (context: BenchContext, s: Settings, mitmdump: string, dir: string) => {
  const upstream = await startBenchServer('rest-upstream');
  const db = join(dir, 'record.sqlite');
  const flows = join(dir, 'mitmdump.flows');
  const started = await Promise.all([
    startBenchServer('bare-proxy', [upstream.url]),
    startChild('gws-vcr.js', [
      'record',
      '--upstream',
      upstream.url,
      '--port',
      '0',
      '--db',
      db,
      '--name',
      'bench',
    ]),
    startMitmdump(mitmdump, upstream.url, flows),
  ]);
  const servers: Record<Target, ChildServer | null> = {
    direct: null,
    bare: started[0],
    record: started[1],
    mitmdump: started[2],
  };
  try {
    const urlOf = (t: Target): string => (servers[t]?.url ?? upstream.url) + REST_PATH;
    const withCpu = async (t: Target, run: () => Promise<LoadResult>): Promise<Measured> => {
      const pid = servers[t]?.pid;
      const before = pid === undefined ? Number.NaN : cpuMsOf(pid);
      const result = await run();
      const after = pid === undefined ? Number.NaN : cpuMsOf(pid);
      return { result, cpuUsPerRequest: ((after - before) * 1000) / result.requests };
    };
    context.log('mitmdump: warming up');
    for (const t of TARGET_NAMES) {
      await runConcurrent({ url: urlOf(t) }, { concurrency: s.concurrency, durationMs: s.warmupMs });
    }
    context.log(`mitmdump: throughput, ${s.rounds} rounds of ${s.throughputMsPerRound} ms per target`);
    const throughput = await interleave(s.rounds, (t) =>
      withCpu(t, () =>
        runConcurrent({ url: urlOf(t) }, { concurrency: s.concurrency, durationMs: s.throughputMsPerRound }),
      ),
    );
    context.log(
      `mitmdump: latency at ${s.fixedRatePerSecond} req/s, ${s.fixedRateRounds} rounds of ${s.fixedRateMsPerRound} ms`,
    );
    const fixed = await interleave(s.fixedRateRounds, (t) =>
      withCpu(t, () =>
        runFixedRate(
          { url: urlOf(t) },
          { ratePerSecond: s.fixedRatePerSecond, durationMs: s.fixedRateMsPerRound },
        ),
      ),
    );
    const rssMb = { record: peakRssMbOf(started[1].pid), mitmdump: peakRssMbOf(started[2].pid) };
    await Promise.all([started[1].stop(), started[2].stop()]);
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    const recorded = Number(reader.prepare('SELECT count(*) FROM exchanges').pluck().get());
    reader.close();
    return {
      throughput: summaries(throughput),
      fixed: summaries(fixed),
      recordOverMitmdump: pairedRatio(throughput.record, throughput.mitmdump),
      bareOverMitmdump: pairedRatio(throughput.bare, throughput.mitmdump),
      peakRssMb: rssMb,
      recordedExchanges: recorded,
      mitmdumpFlowsBytes: statSync(flows).size,
    };
  } finally {
    await Promise.all([...started.map((c) => c.stop()), upstream.stop()]);
  }
};

const tablesOf = (s: Settings, m: Awaited<ReturnType<typeof measure>>) => {
  const t = m.throughput;
  const f = m.fixed;
  return [
    {
      title:
        `REST vs mitmdump: GET ${REST_PATH}, ${s.concurrency} concurrent keep-alive clients, ` +
        `median of ${s.rounds} interleaved ${s.throughputMsPerRound / 1000} s runs`,
      rows: [
        loadRow(LABELS.direct, t.direct),
        loadRow(LABELS.bare, t.bare),
        loadRow(LABELS.record, t.record, m.peakRssMb.record),
        loadRow(LABELS.mitmdump, t.mitmdump, m.peakRssMb.mitmdump),
        {
          label: 'bare http-proxy / mitmdump',
          values: [
            `${formatNumber(m.bareOverMitmdump, 1)}x throughput`,
            `(${formatNumber(t.mitmdump.cpuUsPerRequest / t.bare.cpuUsPerRequest, 1)}x CPU efficiency)`,
          ],
        },
        {
          label: 'gws-vcr record / mitmdump',
          values: [
            `${formatNumber(m.recordOverMitmdump, 1)}x throughput`,
            `(${formatNumber(t.mitmdump.cpuUsPerRequest / t.record.cpuUsPerRequest, 1)}x CPU efficiency)`,
          ],
          target: `>= ${TARGETS.minRatioOverMitmdump}x`,
          isPass: m.recordOverMitmdump >= TARGETS.minRatioOverMitmdump,
        },
      ],
    },
    {
      title:
        `REST latency vs mitmdump at a fixed ${formatNumber(s.fixedRatePerSecond)} req/s, ` +
        `median of ${s.fixedRateRounds} interleaved ${s.fixedRateMsPerRound / 1000} s runs`,
      rows: TARGET_NAMES.map((name) => loadRow(LABELS[name], f[name])),
    },
  ];
};

export const mitmdumpSection: BenchSection = {
  name: 'mitmdump',
  run: async (context): Promise<SectionResult> => {
    const s = settings(context.isQuick);
    const mitmdump = findMitmdump();
    if (mitmdump === null) {
      context.log(`mitmdump: ${SKIPPED}`);
      return {
        tables: [{ title: 'REST vs mitmdump', rows: [{ label: SKIPPED, values: [] }] }],
        data: { skipped: true, targets: TARGETS },
      };
    }
    const dir = mkdtempSync(join(tmpdir(), 'gws-vcr-bench-'));
    try {
      const m = await measure(context, s, mitmdump, dir);
      return { tables: tablesOf(s, m), data: { targets: TARGETS, settings: s, mitmdump, ...m } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
