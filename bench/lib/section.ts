// What a benchmark section is: a named run that returns printable rows and raw data for bench/results/latest.json.

export interface BenchContext {
  /** shorter runs for a quick look (`npm run bench -- --quick`) */
  isQuick: boolean;
  /** the REST comparisons' warm-up per target in ms, when given (`--rest-warmup-ms=N`) instead of their own */
  restWarmupMs?: number;
  /** progress for people, on stderr */
  log(line: string): void;
}

/** One line of the printed table. A row with a target says whether it met it. */
export interface BenchRow {
  label: string;
  /** the measured values, already formatted, e.g. ["12,345 req/s", "p50 1.20 ms", "p99 3.40 ms"] */
  values: string[];
  target?: string;
  isPass?: boolean;
}

export interface BenchTable {
  title: string;
  rows: BenchRow[];
}

export interface SectionResult {
  tables: BenchTable[];
  /** everything measured, for machines */
  data: Record<string, unknown>;
}

export interface BenchSection {
  /** key in latest.json, e.g. "recorder" */
  name: string;
  run(context: BenchContext): Promise<SectionResult>;
}

export const formatNumber = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

export const ms = (n: number): string => `${formatNumber(n, 2)} ms`;
