// Benchmark against the peer: REST through `gws-vcr record` vs `mitmdump -w` (mitmproxy), with direct and bare http-proxy.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer } from '../lib/child.js';
import { findMitmdump, startMitmdump } from '../lib/mitmdump.js';
import { peakRssMbOf } from '../lib/peak-rss.js';
import {
  compareProxies,
  countRows,
  loadRow,
  PROXY_LABELS,
  pairedRatio,
  type RestBenchContext,
  restLoadSettings,
  restLoadTitle,
  startRecorderChild,
  summaries,
} from '../lib/proxy-compare.js';
import { type BenchContext, type BenchSection, formatNumber, type SectionResult } from '../lib/section.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Target from the issue "Benchmarks, load, fault and security suite". */
export const TARGETS = {
  /** gws-vcr record throughput over mitmdump -w throughput */
  minRatioOverMitmdump: 10,
} as const;

// The recorder section's load generator and run lengths, so the two sections' numbers read side by side; fewer
// rounds than it (four proxies here, and the whole bench should stay within about 7 minutes on 2 cores).
const settings = (context: RestBenchContext) => ({
  ...restLoadSettings(context),
  rounds: context.isQuick ? 2 : 3,
  fixedRateRounds: context.isQuick ? 1 : 2,
  /** a rate every proxy here carries (mitmdump tops out near 1,000 req/s), so latency is not a queue */
  fixedRatePerSecond: 200,
});
type Settings = ReturnType<typeof settings>;

const SKIPPED = 'skipped: mitmdump not installed (apt-get install mitmproxy)';
type Target = 'direct' | 'bare' | 'record' | 'mitmdump';
const TARGET_NAMES: readonly Target[] = ['direct', 'bare', 'record', 'mitmdump'];
const LABELS: Record<Target, string> = { ...PROXY_LABELS, mitmdump: 'mitmdump -w' };

const measure = async (context: BenchContext, s: Settings, mitmdump: string, dir: string) => {
  const upstream = await startBenchServer('rest-upstream');
  const db = join(dir, 'record.sqlite');
  const flows = join(dir, 'mitmdump.flows');
  const started = await Promise.all([
    startBenchServer('bare-proxy', [upstream.url]),
    startRecorderChild(upstream.url, db),
    startMitmdump(mitmdump, upstream.url, flows),
  ]);
  try {
    const { throughput, fixed } = await compareProxies({
      ...s,
      name: 'mitmdump',
      targets: TARGET_NAMES,
      servers: { direct: null, bare: started[0], record: started[1], mitmdump: started[2] },
      upstreamUrl: upstream.url,
      log: context.log,
    });
    const rssMb = { record: peakRssMbOf(started[1].pid), mitmdump: peakRssMbOf(started[2].pid) };
    await Promise.all([started[1].stop(), started[2].stop()]);
    return {
      throughput: summaries(throughput),
      fixed: summaries(fixed),
      recordOverMitmdump: pairedRatio(throughput.record, throughput.mitmdump),
      bareOverMitmdump: pairedRatio(throughput.bare, throughput.mitmdump),
      peakRssMb: rssMb,
      recordedExchanges: countRows(db, 'SELECT count(*) FROM exchanges'),
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
      title: restLoadTitle('REST vs mitmdump', s),
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
    const s = settings(context);
    const mitmdump = findMitmdump();
    if (mitmdump === null) {
      context.log(`mitmdump: ${SKIPPED}`);
      return {
        tables: [{ title: 'REST vs mitmdump', rows: [{ label: SKIPPED, values: [] }] }],
        data: { skipped: true, targets: TARGETS },
      };
    }
    return withTempDir('mitmdump', async (dir) => {
      const m = await measure(context, s, mitmdump, dir);
      return { tables: tablesOf(s, m), data: { targets: TARGETS, settings: s, mitmdump, ...m } };
    });
  },
};
