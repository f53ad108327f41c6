// REST load against several proxies side by side: interleaved throughput and fixed-rate rounds, their medians and table rows.
import Database from 'better-sqlite3';
import type { ChildServer } from './child.js';
import { startChild } from './child.js';
import { cpuMsOf, mainThreadCpuMsOf } from './cpu.js';
import { type LoadResult, runConcurrent, runFixedRate } from './load.js';
import { type BenchContext, type BenchRow, formatNumber, ms } from './section.js';
import { median } from './stats.js';

/** The GWS path every REST comparison asks for. */
export const REST_PATH = '/api/v2/me';

/** Load and run lengths both REST comparisons use, so the recorder's and the mitmdump section's numbers read side by side. */
/** What of the bench's context the REST comparisons' settings follow. */
export type RestBenchContext = Pick<BenchContext, 'isQuick' | 'restWarmupMs'>;

export const restLoadSettings = ({ isQuick, restWarmupMs }: RestBenchContext) => ({
  /** keep-alive clients of the throughput runs */
  concurrency: 32,
  throughputMsPerRound: isQuick ? 1000 : 2000,
  fixedRateMsPerRound: isQuick ? 1000 : 2000,
  // Load each target gets before any round is measured. The figures are about a proxy that runs for hours,
  // so its JIT must be done first: under this load on 2 cores, V8 goes on compiling the recorder's code (more
  // of it than bare http-proxy's) for 3-4 s, and with 1 s the first rounds measured that: `--only=recorder
  // --rest-warmup-ms=1000` shows it in the rounds' ratios, printed in order. README's "Warm-up and spells".
  warmupMs: restWarmupMs ?? (isQuick ? 300 : 5000),
});

/** A REST throughput table's title: `what`, then the load and rounds it was measured with. */
export const restLoadTitle = (
  what: string,
  s: { concurrency: number; rounds: number; throughputMsPerRound: number; warmupMs: number },
): string =>
  `${what}: GET ${REST_PATH}, ${s.concurrency} concurrent keep-alive clients, ` +
  `median of ${s.rounds} interleaved ${s.throughputMsPerRound / 1000} s runs after a ${s.warmupMs / 1000} s warm-up per target`;

/** How the tables name the targets the comparisons share. */
export const PROXY_LABELS = {
  direct: 'direct to upstream',
  bare: 'bare http-proxy',
  record: 'gws-vcr record',
} as const;

export interface Measured {
  result: LoadResult;
  /** CPU µs the proxy process spent per request; NaN for direct */
  cpuUsPerRequest: number;
  /** of which its main (forwarding) thread; the rest went to worker and GC threads */
  mainThreadCpuUsPerRequest: number;
}

/** Runs `measure` against each target once per round, in a rotating order, so a busy spell hits all alike. */
const interleave = async <T extends string>(
  targets: readonly T[],
  rounds: number,
  measure: (target: T) => Promise<Measured>,
): Promise<Record<T, Measured[]>> => {
  const out = Object.fromEntries(targets.map((t) => [t, [] as Measured[]])) as Record<T, Measured[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length] as T;
      out[target].push(await measure(target));
    }
  }
  return out;
};

export const summary = (runs: Measured[]) => ({
  requestsPerSecond: median(runs.map((r) => r.result.requestsPerSecond)),
  p50Ms: median(runs.map((r) => r.result.p50Ms)),
  p99Ms: median(runs.map((r) => r.result.p99Ms)),
  errors: runs.reduce((n, r) => n + r.result.errors, 0),
  cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
  mainThreadCpuUsPerRequest: median(runs.map((r) => r.mainThreadCpuUsPerRequest)),
  runs: runs.map((r) => ({
    ...r.result,
    cpuUsPerRequest: r.cpuUsPerRequest,
    mainThreadCpuUsPerRequest: r.mainThreadCpuUsPerRequest,
  })),
});
export type Summary = ReturnType<typeof summary>;

export const summaries = <T extends string>(runs: Record<T, Measured[]>): Record<T, Summary> =>
  Object.fromEntries(Object.entries<Measured[]>(runs).map(([t, r]) => [t, summary(r)])) as Record<T, Summary>;

/** `figure` of each round's pair of runs of a and b, measured seconds apart; NaN where b has no such round. */
export const perRound = (
  a: Measured[],
  b: Measured[],
  figure: (a: LoadResult, b: LoadResult) => number,
): number[] => a.map((r, i) => (b[i] ? figure(r.result, b[i].result) : Number.NaN));

/** Median over rounds of a / b requests per second, each pair measured in the same round. */
export const pairedRatio = (a: Measured[], b: Measured[]): number =>
  median(perRound(a, b, (x, y) => x.requestsPerSecond / y.requestsPerSecond));

/** A table row of one target's medians; proxy CPU where it was measured, peak RSS where given. */
export const loadRow = (label: string, s: Summary, rssMb?: number): BenchRow => ({
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

export interface CompareOptions<T extends string> {
  /** prefix of the progress lines, e.g. "recorder" */
  name: string;
  targets: readonly T[];
  /** the server behind each target; null for the upstream itself (`upstreamUrl`, no CPU measured) */
  servers: Record<T, ChildServer | null>;
  upstreamUrl: string;
  log(line: string): void;
  concurrency: number;
  warmupMs: number;
  rounds: number;
  throughputMsPerRound: number;
  fixedRateRounds: number;
  fixedRatePerSecond: number;
  fixedRateMsPerRound: number;
}

/**
 * Warms every target up, then measures throughput (`concurrency` keep-alive clients) and latency at a fixed rate,
 * interleaved round by round. `warmupRequests` counts what each target was sent while warming up, answered or not.
 */
export const compareProxies = async <T extends string>(o: CompareOptions<T>) => {
  const urlOf = (t: T): string => (o.servers[t]?.url ?? o.upstreamUrl) + REST_PATH;
  const withCpu = async (t: T, run: () => Promise<LoadResult>): Promise<Measured> => {
    const pid = o.servers[t]?.pid;
    const read = (cpuMs: (pid: number) => number): number => (pid === undefined ? Number.NaN : cpuMs(pid));
    const before = [read(cpuMsOf), read(mainThreadCpuMsOf)] as const;
    const result = await run();
    const after = [read(cpuMsOf), read(mainThreadCpuMsOf)] as const;
    return {
      result,
      cpuUsPerRequest: ((after[0] - before[0]) * 1000) / result.requests,
      mainThreadCpuUsPerRequest: ((after[1] - before[1]) * 1000) / result.requests,
    };
  };
  o.log(`${o.name}: warming up`);
  const warmupRequests = {} as Record<T, number>;
  for (const t of o.targets) {
    const warm = await runConcurrent(
      { url: urlOf(t) },
      { concurrency: o.concurrency, durationMs: o.warmupMs },
    );
    warmupRequests[t] = warm.requests + warm.errors;
  }
  o.log(`${o.name}: throughput, ${o.rounds} rounds of ${o.throughputMsPerRound} ms per target`);
  const throughput = await interleave(o.targets, o.rounds, (t) =>
    withCpu(t, () =>
      runConcurrent({ url: urlOf(t) }, { concurrency: o.concurrency, durationMs: o.throughputMsPerRound }),
    ),
  );
  if (o.fixedRateRounds > 0)
    o.log(
      `${o.name}: latency at ${o.fixedRatePerSecond} req/s, ${o.fixedRateRounds} rounds of ${o.fixedRateMsPerRound} ms`,
    );
  const fixed = await interleave(o.targets, o.fixedRateRounds, (t) =>
    withCpu(t, () =>
      runFixedRate(
        { url: urlOf(t) },
        { ratePerSecond: o.fixedRatePerSecond, durationMs: o.fixedRateMsPerRound },
      ),
    ),
  );
  return { throughput, fixed, warmupRequests };
};

/** `gws-vcr record` itself (the CLI, through its bin), recording into `db`. */
export const startRecorderChild = (upstreamUrl: string, db: string): Promise<ChildServer> =>
  startChild('gws-vcr.js', [
    'record',
    '--upstream',
    upstreamUrl,
    '--port',
    '0',
    '--db',
    db,
    '--name',
    'bench',
  ]);

/** The single number `sql` selects from the SQLite file `db`, read after the recorder stopped. */
export const countRows = (db: string, sql: string, ...params: unknown[]): number => {
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
