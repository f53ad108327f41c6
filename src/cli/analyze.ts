// `gws-vcr analyze`: the call and transfer report of one recorded session, as text for people or JSON for machines.
import { Command } from 'commander';
import { ANALYSIS_DEFAULTS, analyzeSession, type SessionAnalysis, toAnalyzeJson } from '../analysis/index.js';
import { openStore } from '../store/index.js';
import { formatAnalysisReport } from './analyze-report.js';
import { DEFAULT_DB, parsePositive } from './options.js';
import { runTask } from './run.js';

export interface AnalyzeOptions {
  db: string;
  /** 'latest', an id, or a session name */
  session: string;
  json: boolean;
  /** how long after a request its notifications may come */
  windowMs: number;
}

/** Reads one session from the database and analyzes it, streaming its messages. */
export const analyzeFromDb = (
  options: Pick<AnalyzeOptions, 'db' | 'session' | 'windowMs'>,
): SessionAnalysis => {
  const store = openStore(options.db, { readonly: true });
  try {
    const session = store.resolveSession(options.session);
    return analyzeSession(
      {
        session,
        // long-poll and WebSocket exchanges carry no operations; leaving them out keeps their bodies unread
        exchanges: store.exchanges(session.id, { kind: 'http' }),
        messages: store.iterateMessages(session.id, { direction: 'to-client' }),
      },
      { notificationWindowMs: options.windowMs },
    );
  } finally {
    store.close();
  }
};

/** The text `analyze` prints. */
export const analyzeOutput = (options: AnalyzeOptions, isColor: boolean): string => {
  const analysis = analyzeFromDb(options);
  return options.json
    ? `${JSON.stringify(toAnalyzeJson(analysis), null, 2)}\n`
    : formatAnalysisReport(analysis, { isColor });
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
      runTask(() => {
        const isColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
        process.stdout.write(
          analyzeOutput({ db: raw.db, session: raw.session, json: raw.json, windowMs: raw.window }, isColor),
        );
      }),
    );
