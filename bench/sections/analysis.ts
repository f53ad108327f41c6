// Benchmark of `gws-vcr analyze --json` on a synthetic session of a million Bayeux messages: wall time and peak RSS.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { type ChildMeasure, measureChild } from '../lib/measure-child.js';
import { type BenchContext, type BenchSection, formatNumber, type SectionResult } from '../lib/section.js';
import { percentile } from '../lib/stats.js';
import { type SyntheticSessionSummary, writeSyntheticSession } from '../lib/synthetic-session.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Targets from the issue "Benchmarks, load, fault and security suite", for 1,000,000 messages. */
export const TARGETS = {
  messages: 1_000_000,
  maxWallMs: 10_000,
  maxPeakRssMb: 1024,
} as const;

const settings = (isQuick: boolean) => ({
  messages: isQuick ? 100_000 : TARGETS.messages,
  /** analyze and the baseline alternate, run after run, so a busy spell hits both alike */
  runs: isQuick ? 1 : 3,
});

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gws-vcr.js');

const seconds = (ms: number): string => `${formatNumber(ms / 1000, 2)} s`;
const median = (values: number[]): number =>
  percentile(
    values.filter(Number.isFinite).sort((a, b) => a - b),
    50,
  );

interface Baseline {
  wallMs: number;
  cpuMs: number;
  rows: number;
}

/**
 * What any analysis of the session must at least do, in this process: read every message analyze reads and
 * JSON.parse it, and read every REST exchange. Analyze's time over this is the cost of analysing and printing,
 * and reads the same on a busy machine as on an idle one.
 */
const readBaseline = (db: string, sessionId: number): Baseline => {
  const startedMs = performance.now();
  const cpu = process.cpuUsage();
  const sqlite = new Database(db, { readonly: true });
  let rows = 0;
  try {
    const messages = sqlite
      .prepare(
        `SELECT message FROM bayeux_messages WHERE session_id = ? AND direction = 'to-client' ORDER BY at_ms, id`,
      )
      .pluck();
    for (const text of messages.iterate(sessionId) as Iterable<string>) {
      JSON.parse(text);
      rows++;
    }
    const exchanges = sqlite
      .prepare(`SELECT * FROM exchanges WHERE session_id = ? AND kind = 'http' ORDER BY start_ms, id`)
      .raw();
    for (const _ of exchanges.iterate(sessionId)) rows++;
  } finally {
    sqlite.close();
  }
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - startedMs, cpuMs: (used.user + used.system) / 1000, rows };
};

/** The report's last lines hold `stats`; checking them proves analyze read the whole session without parsing 160 MB. */
const statsMessages = (reportFile: string): number | null => {
  const size = statSync(reportFile).size;
  const tail = readFileSync(reportFile, 'latin1').slice(Math.max(0, size - 600));
  const match = /"stats": \{\s*"messages": (\d+)/.exec(tail);
  return match?.[1] ? Number(match[1]) : null;
};

const generate = (
  db: string,
  messages: number,
  log: BenchContext['log'],
): { summary: SyntheticSessionSummary; writeMs: number; fileMb: number } => {
  log(`analysis: writing a synthetic session of ${formatNumber(messages)} messages`);
  const startedMs = performance.now();
  const store = openStore(db);
  try {
    const summary = writeSyntheticSession(store, { messages });
    return { summary, writeMs: performance.now() - startedMs, fileMb: statSync(db).size / 2 ** 20 };
  } finally {
    store.close();
  }
};

const runSection = async (context: BenchContext): Promise<SectionResult> => {
  const s = settings(context.isQuick);
  return withTempDir('analysis', async (dir) => {
    const db = join(dir, 'synthetic.sqlite');
    const { summary, writeMs, fileMb } = generate(db, s.messages, context.log);
    const toClient = (() => {
      const store = openStore(db, { readonly: true });
      try {
        return store.countMessages(summary.sessionId, { direction: 'to-client' });
      } finally {
        store.close();
      }
    })();
    const analyzeRuns: ChildMeasure[] = [];
    const baselineRuns: Baseline[] = [];
    for (let run = 0; run < s.runs; run++) {
      context.log(`analysis: run ${run + 1}/${s.runs}: baseline read, then gws-vcr analyze --json`);
      baselineRuns.push(readBaseline(db, summary.sessionId));
      const report = join(dir, 'report.json');
      const args = [BIN, 'analyze', '--db', db, '--session', String(summary.sessionId), '--json'];
      const measured = await measureChild(process.execPath, args, { cwd: ROOT, stdoutFile: report });
      const read = statsMessages(report);
      if (measured.exitCode !== 0 || read !== toClient) {
        throw new Error(
          `gws-vcr analyze exited ${String(measured.exitCode)} having read ${String(read)} of ${toClient} messages:\n${measured.stderr}`,
        );
      }
      analyzeRuns.push(measured);
    }

    const wallMs = median(analyzeRuns.map((r) => r.wallMs));
    const cpuMs = median(analyzeRuns.map((r) => r.cpuMs));
    const peakRssMb = Math.max(...analyzeRuns.map((r) => r.peakRssMb));
    const baselineWallMs = median(baselineRuns.map((r) => r.wallMs));
    const isFull = s.messages >= TARGETS.messages;
    const judged = (target: string, isPass: boolean): { target?: string; isPass?: boolean } =>
      isFull ? { target, isPass } : {};
    const note = isFull ? [] : [`(targets are judged at ${formatNumber(TARGETS.messages)} messages)`];
    const of = `median of ${s.runs}`;
    return {
      tables: [
        {
          title: `Analysis: gws-vcr analyze --json on a synthetic session (bench/lib/synthetic-session.ts)`,
          rows: [
            {
              label: 'session written',
              values: [
                `${formatNumber(summary.messages)} messages`,
                `${formatNumber(summary.exchanges)} exchanges (${formatNumber(summary.restExchanges)} REST)`,
                `${formatNumber(summary.notifications)} notifications`,
                `${formatNumber(fileMb)} MB file`,
                `in ${seconds(writeMs)}`,
              ],
            },
            {
              label: `analyze wall time (${of})`,
              values: [seconds(wallMs), `cpu ${seconds(cpuMs)}`, ...note],
              ...judged(`< ${seconds(TARGETS.maxWallMs)}`, wallMs < TARGETS.maxWallMs),
            },
            {
              label: `analyze peak RSS (max of ${s.runs})`,
              values: [
                `${formatNumber(peakRssMb)} MB`,
                `via ${analyzeRuns[0]?.rssSource ?? 'none'}`,
                ...note,
              ],
              ...judged(`< ${formatNumber(TARGETS.maxPeakRssMb)} MB`, peakRssMb < TARGETS.maxPeakRssMb),
            },
            {
              label: `baseline: read + JSON.parse the same rows (${of})`,
              values: [
                seconds(baselineWallMs),
                `cpu ${seconds(median(baselineRuns.map((r) => r.cpuMs)))}`,
                `analyze takes ${formatNumber(wallMs / baselineWallMs, 1)}x the baseline`,
              ],
            },
          ],
        },
      ],
      data: {
        targets: TARGETS,
        settings: s,
        session: { ...summary, writeMs, fileMb, toClientMessages: toClient },
        analyze: analyzeRuns.map(({ stderr: _, ...r }) => r),
        baseline: baselineRuns,
        summary: { wallMs, cpuMs, peakRssMb, baselineWallMs, ratio: wallMs / baselineWallMs },
      },
    };
  });
};

export const analysisSection: BenchSection = { name: 'analysis', run: runSection };
