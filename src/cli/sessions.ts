// `gws-vcr sessions`: lists the recorded sessions of a database, as a table for people or JSON for machines.
import { Command } from 'commander';
import { openStore, type SessionSummary } from '../store/index.js';
import { DEFAULT_DB } from './options.js';
import { runTask } from './run.js';
import { printable } from './terminal-text.js';

export interface SessionsOptions {
  db: string;
  json: boolean;
}

/** One session as `sessions --json` prints it: the contract's fields first, then the rest. */
export interface SessionJson {
  id: number;
  name: string | null;
  upstream: string;
  startedAt: string;
  endedAt: string | null;
  exchanges: number;
  messages: number;
  frames: number;
  source: SessionSummary['source'];
  listenOrigin: string | null;
  /** other origins the recorder rewrote like the upstream's (--rewrite-origin) */
  rewriteOrigins: string[];
  notificationsPath: string;
  originWallMs: number;
  /** ended - started for a closed session; for one still open (or killed), up to its last row; null if empty */
  durationMs: number | null;
}

const durationMsOf = (s: SessionSummary): number | null =>
  s.endedAt === null ? s.lastAtMs : Math.max(0, Date.parse(s.endedAt) - s.originWallMs);

export const toSessionJson = (s: SessionSummary): SessionJson => ({
  id: s.id,
  name: s.name,
  upstream: s.upstream,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  exchanges: s.exchanges,
  messages: s.messages,
  frames: s.frames,
  source: s.source,
  listenOrigin: s.listenOrigin,
  rewriteOrigins: s.rewriteOrigins,
  notificationsPath: s.notificationsPath,
  originWallMs: s.originWallMs,
  durationMs: durationMsOf(s),
});

/** "850ms", "12.3s", "4m 05s", "2h 03m" */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
};

/** The table people read: one line per session, columns aligned. */
export const formatSessionsTable = (sessions: readonly SessionSummary[]): string => {
  const header = ['ID', 'NAME', 'STARTED (UTC)', 'DURATION', 'EXCHANGES', 'MESSAGES', 'UPSTREAM'];
  const rows = sessions.map((s) => {
    const duration = durationMsOf(s);
    return [
      String(s.id),
      s.name === null ? '-' : printable(s.name),
      s.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ''),
      duration === null ? '-' : `${formatDuration(duration)}${s.endedAt === null ? ' (not ended)' : ''}`,
      String(s.exchanges),
      String(s.messages),
      printable(s.upstream),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([0, 4, 5]);
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        if (i === cells.length - 1) return cell;
        return numeric.has(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ');
  return `${[header, ...rows].map(line).join('\n')}\n`;
};

export const noSessionsText = (db: string): string =>
  `No sessions in ${db} yet. Record one with:\n  gws-vcr record --upstream http://GWS-HOST:PORT --db ${db}\n`;

export const listSessions = (options: SessionsOptions): string => {
  const store = openStore(options.db, { readonly: true });
  try {
    const sessions = store.listSessions();
    if (options.json) return `${JSON.stringify(sessions.map(toSessionJson), null, 2)}\n`;
    return sessions.length === 0 ? noSessionsText(options.db) : formatSessionsTable(sessions);
  } finally {
    store.close();
  }
};

export const sessionsCommand = (): Command =>
  new Command('sessions')
    .description('List the sessions recorded in a database.')
    .option('--db <file>', 'recording database to read', DEFAULT_DB)
    .option('--json', 'print a JSON array instead of a table', false)
    .addHelpText(
      'after',
      [
        '',
        'JSON fields: id, name, upstream, startedAt, endedAt, exchanges (HTTP request/response pairs,',
        'WebSocket upgrades included), messages (Bayeux messages, both ways), frames, source, listenOrigin,',
        'rewriteOrigins, notificationsPath, originWallMs, durationMs.',
        '',
        'Examples:',
        '  gws-vcr sessions',
        '  gws-vcr sessions --db recordings/lab.sqlite --json',
      ].join('\n'),
    )
    .action((options: SessionsOptions) =>
      runTask(() => {
        process.stdout.write(listSessions(options));
      }),
    );
