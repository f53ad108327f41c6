// Reads a HAR 1.2 file (Chrome's, or a gws-vcr export restored exactly) into one new session's rows, and saves them.

import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isRecord } from '../common/is-record.js';
import { underPath } from '../common/under-path.js';
import type { ReadEntry } from './har-entry.js';
import { readEntry } from './har-entry.js';
import { exactExtras } from './har-exact.js';
import { field, harInvalid, readArray, readObject } from './har-fields.js';
import type { HarImport, HarSkipped } from './har-types.js';
import type { Store } from './store.js';
import type { ExchangeKind, HeaderList, NewExchange, NewFrameRow, Session } from './types.js';

export interface HarReadOptions {
  /** the file the text came from: named in messages, and the session's name unless `name` is given */
  file: string;
  name?: string | null;
  /** Bayeux path prefix; default: the exported session's, else "/api/v2/notifications" */
  notificationsPath?: string;
  /** origin whose entries are imported (e.g. "https://gws.example.com"); default: the notifications path's, else the commonest */
  upstream?: string;
}

export const HAR_READ_DEFAULTS = { notificationsPath: '/api/v2/notifications' } as const;

/** Parses HAR text; throws VCR_HAR_INVALID saying what is wrong where, and reads nothing half. */
export const parseHar = (text: string, options: HarReadOptions): HarImport => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw harInvalid(
      { file: options.file, at: '' },
      `not JSON (${(err as Error).message}); a HAR file is a JSON document`,
    );
  }
  return readHar(doc, options);
};

/** The origin the session is about: the one the Bayeux traffic went to, else the commonest. */
const upstreamOf = (
  entries: readonly ReadEntry[],
  isNotificationsPath: (path: string) => boolean,
): string | null => {
  const bayeux = entries.find((e) => e.origin !== null && isNotificationsPath(e.path));
  if (bayeux?.origin) return bayeux.origin;
  const counts = new Map<string, number>();
  for (const e of entries) if (e.origin) counts.set(e.origin, (counts.get(e.origin) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
};

// Chrome keeps the decoded body but the original headers: a replay serving both would send plain text
// labelled gzip. The stored response therefore says what it holds.
const withoutEncoding = (headers: HeaderList): HeaderList =>
  headers.filter(([n]) => !['content-encoding', 'content-length'].includes(n.toLowerCase()));

const kindOf = (e: ReadEntry, isNotificationsPath: (path: string) => boolean): ExchangeKind => {
  if (e.isWebSocket) return 'websocket';
  return e.method.toUpperCase() === 'POST' && isNotificationsPath(e.path) ? 'bayeux' : 'http';
};

/** Reads a parsed HAR document into rows; see parseHar. */
const readHar = (doc: unknown, options: HarReadOptions): HarImport => {
  const top = { file: options.file, at: '' };
  if (!isRecord(doc) || !isRecord(doc.log)) {
    throw harInvalid(top, 'no "log" object at the top level; this is not a HAR file');
  }
  const log = readObject(field(top, 'log'), doc.log);
  if (log.entries === undefined) throw harInvalid(field(top, 'log'), 'has no "entries" list');
  const rawEntries = readArray(field(top, 'log.entries'), log.entries);
  if (rawEntries.length === 0)
    throw harInvalid(field(top, 'log.entries'), 'is empty; there is nothing to import');
  const read = rawEntries.map((entry, i) => readEntry(options.file, i, entry));

  const exact = exactExtras(options.file, log._gwsVcr, read);
  const notificationsPath =
    options.notificationsPath ?? exact?.session.notificationsPath ?? HAR_READ_DEFAULTS.notificationsPath;
  const isNotificationsPath = underPath(notificationsPath);
  const upstream = options.upstream ?? exact?.session.upstream ?? upstreamOf(read, isNotificationsPath);
  const skipped: HarSkipped = { otherOrigin: 0, notHttp: 0 };
  const kept = read.filter((e) => {
    if (e.origin === null) skipped.notHttp += 1;
    else if (e.origin !== upstream) skipped.otherOrigin += 1;
    return e.origin !== null && e.origin === upstream;
  });
  if (upstream === null || kept.length === 0) {
    throw harInvalid(
      field(top, 'log.entries'),
      upstream === null
        ? `none of the ${read.length} entries is an http(s) or ws(s) request`
        : `none of the ${read.length} entries goes to ${upstream}`,
    );
  }
  const session = {
    name: options.name ?? basename(options.file),
    upstream,
    source: 'har-import' as const,
    listenOrigin: exact?.session.listenOrigin ?? null,
    rewriteOrigins: exact?.session.rewriteOrigins ?? [],
    originWallMs: exact?.session.originWallMs ?? Math.min(...kept.map((e) => e.wallMs)),
    notificationsPath,
  };
  if (exact) {
    return {
      session,
      ...exact.rows(kept),
      requestSentMs: {},
      endedAtWallMs: exact.endedAtWallMs,
      hasRecordedMessages: true,
      skipped,
    };
  }

  // A HAR from elsewhere: ids in start order, times on the clock of the earliest entry.
  const ordered = [...kept].sort((a, b) => a.wallMs - b.wallMs || a.index - b.index);
  const exchanges: NewExchange[] = [];
  const frames: Array<Omit<NewFrameRow, 'id'>> = [];
  const requestSentMs: Record<number, number> = {};
  for (const [i, e] of ordered.entries()) {
    const id = i + 1;
    const startMs = e.wallMs - session.originWallMs;
    requestSentMs[id] = startMs + e.sentAfterMs;
    const entryFrames = e.frames.map((f) => ({
      exchangeId: id,
      direction: f.direction,
      opcode: f.opcode,
      atMs: f.wallMs - session.originWallMs,
      payload: f.payload,
      payloadBytes: f.payload.length,
      flags: [],
    }));
    const lastFrameMs = entryFrames.reduce((max, f) => Math.max(max, f.atMs), Number.NEGATIVE_INFINITY);
    const endMs = e.endAfterMs === null ? null : Math.max(startMs + e.endAfterMs, lastFrameMs);
    frames.push(...entryFrames);
    exchanges.push({
      id,
      kind: kindOf(e, isNotificationsPath),
      method: e.method,
      path: e.path,
      query: e.query,
      requestHeaders: e.requestHeaders,
      requestBody: e.requestBody,
      requestBodyBytes: e.requestBodyBytes,
      status: e.status,
      responseHeaders:
        e.status === null ? null : e.isBodyDecoded ? withoutEncoding(e.responseHeaders) : e.responseHeaders,
      responseBody: e.responseBody,
      responseBodyBytes: e.responseBodyBytes,
      startMs,
      firstByteMs: e.firstByteAfterMs === null ? null : startMs + e.firstByteAfterMs,
      endMs,
      error: e.error,
      flags: [],
    });
  }
  const framesInOrder = frames
    .map((f, order) => ({ f, order }))
    .sort((a, b) => a.f.atMs - b.f.atMs || a.order - b.order)
    .map(({ f }, i) => ({ id: i + 1, ...f }));
  const rows = { exchanges, frames: framesInOrder, messages: [] };
  return {
    session,
    ...rows,
    requestSentMs,
    endedAtWallMs: session.originWallMs + lastAtMs(rows),
    hasRecordedMessages: false,
    skipped,
  };
};

export interface HarSaveOptions {
  /** rows per transaction */
  chunkRows?: number;
  /** called after each chunk with rows written so far and the total */
  onProgress?: (done: number, total: number) => void;
  /** stops between chunks: the partial session is deleted and the promise rejects */
  signal?: AbortSignal;
}

export const HAR_SAVE_DEFAULTS = {
  chunkRows: 1000,
  onProgress: (_done: number, _total: number): void => {},
} as const;

/**
 * Writes an import as a new, ended session, in chunks. All or nothing: if a write fails or `signal` aborts,
 * the session is deleted again and the error is rethrown.
 */
export const saveHarImport = async (
  store: Store,
  imported: HarImport,
  options: HarSaveOptions = {},
): Promise<Session> => {
  const chunkRows = options.chunkRows ?? HAR_SAVE_DEFAULTS.chunkRows;
  const onProgress = options.onProgress ?? HAR_SAVE_DEFAULTS.onProgress;
  const { exchanges, frames, messages } = imported;
  const total = exchanges.length + frames.length + messages.length;
  const session = store.createSession(imported.session);
  let done = 0;
  try {
    onProgress(0, total);
    for (const [table, rows] of [
      ['exchanges', exchanges],
      ['frames', frames],
      ['messages', messages],
    ] as const) {
      for (let i = 0; i < rows.length; i += chunkRows) {
        const chunk = rows.slice(i, i + chunkRows);
        store.writeRows(session.id, { [table]: chunk });
        done += chunk.length;
        onProgress(done, total);
        // Let a signal (Ctrl-C) in between chunks.
        await nextTurn();
        options.signal?.throwIfAborted();
      }
    }
    if (imported.endedAtWallMs !== null) store.endSession(session.id, imported.endedAtWallMs);
  } catch (err) {
    store.deleteSession(session.id);
    throw err;
  }
  return store.getSession(session.id) ?? session;
};

/** ms since origin of the latest thing in the rows. */
export const lastAtMs = (rows: Pick<HarImport, 'exchanges' | 'frames' | 'messages'>): number => {
  let last = 0;
  for (const e of rows.exchanges) last = Math.max(last, e.endMs ?? e.firstByteMs ?? e.startMs);
  for (const m of rows.messages) last = Math.max(last, m.atMs);
  for (const f of rows.frames) last = Math.max(last, f.atMs);
  return last;
};
