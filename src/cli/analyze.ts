// `gws-vcr analyze`: the call and transfer report of one recorded session, as text for people or JSON for machines.
import { Command } from 'commander';
import {
  ANALYSIS_DEFAULTS,
  ANALYZED_MESSAGES,
  analyzeSession,
  type SessionAnalysis,
  storedSessionRows,
  toAnalyzeJson,
} from '../analysis/index.js';
import { openStore } from '../store/index.js';
import { formatAnalysisReport } from './analyze-report.js';
import { type JsonSink, writeJson } from './json-stream.js';
import { DEFAULT_DB, parsePositive } from './options.js';
import { createProgress, type ProgressStream } from './progress.js';
import { runTask } from './run.js';

export interface AnalyzeOptions {
  db: string;
  /** 'latest', an id, or a session name */
  session: string;
  json: boolean;
  /** how long after a request its notifications may come */
  windowMs: number;
}

/** Messages read between two progress updates: a million rows call it a thousand times, not a million. */
const PROGRESS_EVERY_ROWS = 1024;

function* counted<T>(rows: Iterable<T>, onCount: (done: number) => void): Generator<T> {
  let done = 0;
  for (const row of rows) {
    yield row;
    if (++done % PROGRESS_EVERY_ROWS === 0) onCount(done);
  }
  onCount(done);
}

/**
 * Reads one session from the database and analyzes it, streaming its exchanges and messages. On a terminal
 * `progressStream` shows the messages read of the session's total; elsewhere nothing is counted or drawn.
 */
export const analyzeFromDb = (
  options: Pick<AnalyzeOptions, 'db' | 'session' | 'windowMs'>,
  progressStream?: ProgressStream,
): SessionAnalysis => {
  const store = openStore(options.db, { readonly: true });
  try {
    const session = store.resolveSession(options.session);
    const rows = storedSessionRows(store, session);
    let { messages } = rows;
    // counting costs a scan of its own, so only for a terminal that shows it
    const progress = progressStream?.isTTY
      ? createProgress({
          label: `analyzing session ${session.id}: messages`,
          total: store.countMessages(session.id, ANALYZED_MESSAGES),
          stream: progressStream,
        })
      : null;
    if (progress) messages = counted(messages, (done) => progress.update(done));
    try {
      return analyzeSession({ ...rows, messages }, { notificationWindowMs: options.windowMs });
    } finally {
      progress?.finish();
    }
  } finally {
    store.close();
  }
};

/** Prints the report: JSON a piece at a time (a big session's report is hundreds of MB), or the text for people. */
export const writeAnalysis = async (
  options: AnalyzeOptions,
  out: JsonSink,
  progressStream: ProgressStream,
  isColor: boolean,
): Promise<void> => {
  const analysis = analyzeFromDb(options, progressStream);
  if (options.json) await writeJson(out, toAnalyzeJson(analysis));
  else out.write(formatAnalysisReport(analysis, { isColor }));
};

export const analyzeCommand = (): Command =>
  new Command('analyze')
    .description('Report the calls, transfers (with step latencies) and anomalies of a recorded session.')
    .option('--db <file>', 'recording database to read', DEFAULT_DB)
    .option('--session <id|name|latest>', 'session to analyze', 'latest')
    .option('--json', 'print JSON instead of the report', false)
    .option(
      '--window <ms>',
      'how long after a request its expected notifications may come',
      parsePositive,
      ANALYSIS_DEFAULTS.notificationWindowMs,
    )
    .addHelpText(
      'after',
      [
        '',
        'JSON: {"session":{"id","name",...},"calls":[{"id","callType","parentId","states":[{"state","atMs"}],...}],',
        '"transfers":[{"kind","originalCallId","consultCallId","destination","steps":{"initiateToDialingMs",',
        '"dialingToCompleteMs","completeToReleasedMs"},"ok",...}],"conferences":[...],',
        '"anomalies":[{"kind","callId","atMs","message",...}],"operations":[...],"stats":{...}}',
        'Times are ms since the session start.',
        '',
        'Examples:',
        '  gws-vcr analyze',
        '  gws-vcr analyze --db recordings/lab.sqlite --session 3 --json',
      ].join('\n'),
    )
    .action((raw: { db: string; session: string; json: boolean; window: number }) =>
      runTask(async () => {
        const isColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
        await writeAnalysis(
          { db: raw.db, session: raw.session, json: raw.json, windowMs: raw.window },
          process.stdout,
          process.stderr,
          isColor,
        );
      }),
    );
