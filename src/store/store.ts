// The recording store: one SQLite file of sessions and their rows; opens, queries, and hands out batched writers.
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import { definedOnly } from '../common/defined-only.js';
import { VcrError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { corruption, openDatabase } from './open-database.js';
import {
  EXCHANGES,
  type ExchangeSqlRow,
  FRAMES,
  type FrameSqlRow,
  MESSAGES,
  type MessageSqlRow,
  type RowTable,
  type SessionSqlRow,
  type SessionSummarySqlRow,
  toBayeuxRow,
  toExchange,
  toFrameRow,
  toSession,
  toSessionSummary,
} from './row-codec.js';
import { exchangeWhere, frameWhere, messageWhere, page, type SqlParam, type Where } from './row-filters.js';
import { type RowBatch, RowInserter } from './row-inserter.js';
import { SessionWriter, type SessionWriterOptions } from './session-writer.js';
import type {
  BayeuxRow,
  Exchange,
  ExchangeFilter,
  FrameFilter,
  FrameRow,
  MessageFilter,
  NewSession,
  Session,
  SessionSummary,
} from './types.js';

/** One row per row table, as `probeRowTables` writes and rolls back. */
const PROBE_ROWS: RowBatch = {
  exchanges: [
    {
      id: 0,
      kind: 'http',
      method: 'GET',
      path: '/',
      query: '',
      requestHeaders: [],
      requestBody: null,
      requestBodyBytes: 0,
      status: null,
      responseHeaders: null,
      responseBody: null,
      responseBodyBytes: 0,
      startMs: 0,
      firstByteMs: null,
      endMs: null,
      error: null,
      flags: [],
    },
  ],
  messages: [
    {
      id: 0,
      exchangeId: 0,
      direction: 'to-server',
      transport: 'long-polling',
      channel: '/meta/connect',
      clientId: null,
      messageId: null,
      successful: null,
      atMs: 0,
      message: {},
    },
  ],
  frames: [
    {
      id: 0,
      exchangeId: 0,
      direction: 'to-server',
      opcode: 'text',
      atMs: 0,
      payload: Buffer.alloc(0),
      payloadBytes: 0,
      flags: [],
    },
  ],
};

export interface StoreOptions {
  /** open an existing file without writing to it (dashboard, analyze, replay); default false */
  readonly?: boolean;
  logger?: Logger;
  /** ms to wait for another process's write lock before a statement fails with SQLITE_BUSY */
  busyTimeoutMs?: number;
  /** wall clock for session end times and created_at */
  clock?: Clock;
  /** rows fetched per query by the iterate* generators: bigger pages read a whole session faster, each page is held in memory */
  iterateChunkRows?: number;
  /** cap on the file's size: writes past it fail as on a full disk (SQLITE_FULL); null for no cap */
  maxSizeBytes?: number | null;
}

/** The options another connection to the same file must share to behave as the store's own (Store.connectionOptions). */
export type ConnectionOptions = Pick<StoreOptions, 'busyTimeoutMs' | 'maxSizeBytes'>;

export const STORE_DEFAULTS = {
  readonly: false,
  logger: silentLogger,
  busyTimeoutMs: 5000,
  clock: systemClock,
  iterateChunkRows: 4000,
  maxSizeBytes: null,
} satisfies Required<StoreOptions>;

/**
 * Opens (read-write: creating or migrating) the recording file at `path`.
 * Throws VcrError: VCR_STORE_NOT_FOUND (read-only, missing), VCR_STORE_NOT_VCR_DB (foreign SQLite file),
 * VCR_STORE_CORRUPT (not SQLite, damaged), VCR_STORE_TOO_NEW (written by a later gws-vcr),
 * VCR_STORE_CANNOT_OPEN (permissions, a directory).
 */
export const openStore = (path: string, options: StoreOptions = {}): Store => new Store(path, options);

export class Store {
  readonly path: string;
  readonly readonly: boolean;
  private readonly db: Database;
  private readonly options: Required<StoreOptions>;
  private readonly statements = new Map<string, Statement>();
  private readonly writers = new Set<SessionWriter>();
  private inserter: RowInserter | null = null;

  constructor(path: string, options: StoreOptions = {}) {
    this.options = { ...STORE_DEFAULTS, ...definedOnly(options) };
    this.path = path;
    this.readonly = this.options.readonly;
    this.db = openDatabase(path, {
      readonly: this.readonly,
      busyTimeoutMs: this.options.busyTimeoutMs,
      maxSizeBytes: this.options.maxSizeBytes,
      nowWallMs: () => this.options.clock.wallMs(),
    });
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** What another connection to this file (a writer's on a worker thread) must be opened with to behave as this one. */
  get connectionOptions(): ConnectionOptions {
    return { busyTimeoutMs: this.options.busyTimeoutMs, maxSizeBytes: this.options.maxSizeBytes };
  }

  /**
   * Starts a session, refusing (VCR_STORE_CORRUPT) a file damaged where its rows would go. Opening checks only
   * the schema pages; a damaged table would otherwise fail every batch later, while traffic passes unrecorded.
   */
  createSession(s: NewSession): Session {
    this.assertWritable('create a session');
    const startedAt = new Date(s.originWallMs).toISOString();
    const id = this.guarded(() =>
      this.db.transaction(() => {
        const info = this.stmt(
          `INSERT INTO sessions (name, upstream, source, listen_origin, origin_wall_ms, started_at, notifications_path,
             rewrite_origins)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          s.name,
          s.upstream,
          s.source,
          s.listenOrigin,
          s.originWallMs,
          startedAt,
          s.notificationsPath,
          JSON.stringify(s.rewriteOrigins ?? []),
        );
        const sessionId = Number(info.lastInsertRowid);
        this.probeRowTables(sessionId);
        return sessionId;
      })(),
    );
    return this.requireSession(id);
  }

  /** Marks the session closed cleanly at `endedAtWallMs` (default: now). */
  endSession(id: number, endedAtWallMs: number = this.options.clock.wallMs()): void {
    this.assertWritable('end a session');
    this.requireSession(id);
    this.stmt('UPDATE sessions SET ended_at = ? WHERE id = ?').run(new Date(endedAtWallMs).toISOString(), id);
  }

  /** Deletes a session and every row it holds. */
  deleteSession(id: number): void {
    this.assertWritable('delete a session');
    this.requireSession(id);
    this.stmt('DELETE FROM sessions WHERE id = ?').run(id);
  }

  /** Every session, oldest first, with row counts. */
  listSessions(): SessionSummary[] {
    const rows = this.guarded(() =>
      this.stmt(
        `SELECT s.*,
         (SELECT count(*) FROM exchanges WHERE session_id = s.id) AS exchanges,
         (SELECT count(*) FROM bayeux_messages WHERE session_id = s.id) AS messages,
         (SELECT count(*) FROM ws_frames WHERE session_id = s.id) AS frames,
         (SELECT max(coalesce(end_ms, first_byte_ms, start_ms)) FROM exchanges WHERE session_id = s.id) AS e_ms,
         (SELECT max(at_ms) FROM bayeux_messages WHERE session_id = s.id) AS m_ms,
         (SELECT max(at_ms) FROM ws_frames WHERE session_id = s.id) AS f_ms
       FROM sessions s ORDER BY s.id`,
      ).all(),
    ) as Array<SessionSummarySqlRow & { e_ms: number | null; m_ms: number | null; f_ms: number | null }>;
    return rows.map((r) => {
      const times = [r.e_ms, r.m_ms, r.f_ms].filter((t): t is number => t !== null);
      return toSessionSummary({ ...r, last_at_ms: times.length ? Math.max(...times) : null });
    });
  }

  getSession(id: number): Session | null {
    const row = this.guarded(() => this.stmt('SELECT * FROM sessions WHERE id = ?').get(id)) as
      | SessionSqlRow
      | undefined;
    return row ? toSession(row) : null;
  }

  /**
   * The session a user named: an id (number or digits), a session name (the latest with it), or
   * 'latest'/undefined for the newest. Throws VCR_NO_SESSIONS or VCR_SESSION_NOT_FOUND, saying what exists.
   */
  resolveSession(ref?: string | number | 'latest'): Session {
    const ids = this.stmt('SELECT id FROM sessions ORDER BY id').pluck().all() as number[];
    if (ids.length === 0) {
      throw new VcrError('VCR_NO_SESSIONS', `${this.path} holds no sessions yet`, {
        hint: `Record one with \`gws-vcr record --upstream URL --db ${this.path}\`, or import a HAR with \`gws-vcr import\`.`,
      });
    }
    let found: Session | null = null;
    if (ref === undefined || ref === 'latest') found = this.getSession(ids[ids.length - 1] as number);
    else if (typeof ref === 'number' || /^\d+$/.test(ref.trim())) found = this.getSession(Number(ref));
    else {
      const row = this.stmt('SELECT * FROM sessions WHERE name = ? ORDER BY id DESC LIMIT 1').get(ref) as
        | SessionSqlRow
        | undefined;
      found = row ? toSession(row) : null;
    }
    if (found) return found;
    const shown =
      ids.length > 10 ? `${ids.slice(-10).join(', ')} (latest 10 of ${ids.length})` : ids.join(', ');
    throw new VcrError(
      'VCR_SESSION_NOT_FOUND',
      `no session ${JSON.stringify(ref)} in ${this.path}; it holds sessions ${shown}`,
      {
        hint: `Run \`gws-vcr sessions --db ${this.path}\` to list them; pass --session ID, a name, or latest.`,
        statusCode: 404,
      },
    );
  }

  /** Exchanges ordered by startMs then id, filtered and paginated. */
  exchanges(sessionId: number, filter: ExchangeFilter = {}): Exchange[] {
    return this.select<ExchangeSqlRow>(EXCHANGES, exchangeWhere(sessionId, filter), filter).map(toExchange);
  }

  /**
   * The same rows as exchanges(), fetched a chunk at a time like iterateMessages(), so a pass over a big
   * session's exchanges never holds them all.
   */
  iterateExchanges(sessionId: number, filter: ExchangeFilter = {}): Generator<Exchange, void, undefined> {
    return this.iterate(EXCHANGES, exchangeWhere(sessionId, filter), filter, toExchange);
  }

  exchange(sessionId: number, id: number): Exchange | null {
    const row = this.guarded(() =>
      this.stmt(`SELECT ${EXCHANGES.select} FROM exchanges WHERE session_id = ? AND id = ?`)
        .raw()
        .get(sessionId, id),
    ) as ExchangeSqlRow | undefined;
    return row ? toExchange(row) : null;
  }

  /** How many exchanges match `filter` (offset and limit ignored), for pagination. */
  countExchanges(sessionId: number, filter: ExchangeFilter = {}): number {
    return this.count('exchanges', exchangeWhere(sessionId, filter));
  }

  /** Bayeux messages ordered by atMs then id, filtered and paginated. */
  messages(sessionId: number, filter: MessageFilter = {}): BayeuxRow[] {
    return this.select<MessageSqlRow>(MESSAGES, messageWhere(sessionId, filter), filter).map(toBayeuxRow);
  }

  countMessages(sessionId: number, filter: MessageFilter = {}): number {
    return this.count('bayeux_messages', messageWhere(sessionId, filter));
  }

  /**
   * The same rows as messages(), fetched a chunk at a time, so a session of a million messages is never
   * all in memory. No statement stays open between chunks: the consumer may await, and writers may write,
   * while iterating.
   */
  iterateMessages(sessionId: number, filter: MessageFilter = {}): Generator<BayeuxRow, void, undefined> {
    return this.iterate(MESSAGES, messageWhere(sessionId, filter), filter, toBayeuxRow);
  }

  /** WebSocket frames ordered by atMs then id, filtered and paginated. */
  frames(sessionId: number, filter: FrameFilter = {}): FrameRow[] {
    return this.select<FrameSqlRow>(FRAMES, frameWhere(sessionId, filter), filter).map(toFrameRow);
  }

  countFrames(sessionId: number, filter: FrameFilter = {}): number {
    return this.count('ws_frames', frameWhere(sessionId, filter));
  }

  iterateFrames(sessionId: number, filter: FrameFilter = {}): Generator<FrameRow, void, undefined> {
    return this.iterate(FRAMES, frameWhere(sessionId, filter), filter, toFrameRow);
  }

  /**
   * A batched writer for the session's rows (the recorder's path); one open writer per session, since it
   * allocates the ids. Its ids continue after the rows already stored. Closed with the store at the latest.
   */
  createWriter(sessionId: number, options: SessionWriterOptions = {}): SessionWriter {
    this.assertWritable('record');
    this.requireSession(sessionId);
    for (const open of this.writers) {
      if (open.closed) this.writers.delete(open);
      else if (open.sessionId === sessionId) {
        // Two writers would hand out the same ids.
        throw new VcrError('VCR_STORE_WRITE_FAILED', `session ${sessionId} already has an open writer`, {
          hint: 'Close the first writer (await writer.close()) before creating another for the session.',
        });
      }
    }
    const maxId = (table: string): number =>
      Number(
        this.stmt(`SELECT coalesce(max(id), 0) FROM ${table} WHERE session_id = ?`).pluck().get(sessionId),
      );
    const writer = new SessionWriter(
      {
        db: this.db,
        inserter: this.rowInserter(),
        sessionId,
        lastIds: {
          exchange: maxId('exchanges'),
          message: maxId('bayeux_messages'),
          frame: maxId('ws_frames'),
        },
      },
      { logger: this.options.logger, ...options },
    );
    this.writers.add(writer);
    return writer;
  }

  /**
   * Writes rows whose ids the caller chose (HAR import, fixtures) in one transaction, now. Unlike the
   * writer, it throws (VCR_STORE_WRITE_FAILED) and writes nothing if any row fails.
   */
  writeRows(sessionId: number, rows: RowBatch): void {
    this.assertWritable('write rows');
    this.requireSession(sessionId);
    const inserter = this.rowInserter();
    try {
      this.db.transaction(() => inserter.insert(sessionId, rows))();
    } catch (err) {
      throw new VcrError(
        'VCR_STORE_WRITE_FAILED',
        `could not write rows of session ${sessionId} to ${this.path} (${err instanceof Error ? err.message : String(err)})`,
        {
          hint: 'Nothing of this batch was written; check disk space and that ids are unique in the session.',
          cause: err,
        },
      );
    }
  }

  /** Flushes and closes every writer, then the file. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    for (const writer of this.writers) writer.closeSync();
    this.writers.clear();
    this.db.close();
  }

  private select<R>(table: RowTable, where: Where, filter: { offset?: number; limit?: number }): R[] {
    const p = page(filter);
    const sql = `SELECT ${table.select} FROM ${table.name} ${where.sql} ORDER BY ${table.time}, id ${p.sql}`;
    return this.guarded(() =>
      this.stmt(sql)
        .raw()
        .all(...where.params, ...p.params),
    ) as R[];
  }

  private count(table: string, where: Where): number {
    const sql = `SELECT count(*) FROM ${table} ${where.sql}`;
    return Number(
      this.guarded(() =>
        this.stmt(sql)
          .pluck()
          .get(...where.params),
      ),
    );
  }

  private *iterate<R extends unknown[], T>(
    table: RowTable,
    where: Where,
    filter: { offset?: number; limit?: number },
    convert: (row: R) => T,
  ): Generator<T, void, undefined> {
    let remaining =
      filter.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(filter.limit));
    let offset = Math.max(0, Math.floor(filter.offset ?? 0));
    let after: SqlParam[] = [];
    while (remaining > 0) {
      const chunk = Math.min(this.options.iterateChunkRows, remaining);
      // Keyset pagination on the (session_id, time, id) index: each chunk starts after the last row seen.
      const keyset = after.length ? ` AND (${table.time}, id) > (?, ?)` : '';
      const sql = `SELECT ${table.select} FROM ${table.name} ${where.sql}${keyset} ORDER BY ${table.time}, id LIMIT ? OFFSET ?`;
      const rows = this.guarded(() =>
        this.stmt(sql)
          .raw()
          .all(...where.params, ...after, chunk, offset),
      ) as R[];
      for (const row of rows) yield convert(row);
      const last = rows[rows.length - 1];
      if (rows.length < chunk || !last) return;
      remaining -= rows.length;
      offset = 0;
      after = [last[table.timeAt] as number, last[table.idAt] as number];
    }
  }

  /** Runs statements, turning "the file is damaged" into VCR_STORE_CORRUPT: opening only checks the schema pages. */
  private guarded<T>(query: () => T): T {
    try {
      return query();
    } catch (err) {
      throw corruption(this.path, err) ?? err;
    }
  }

  /**
   * Inserts one row into each row table for a new session and rolls them back: the pages a session's rows go
   * to (each table's and index's last ones, as its id is the highest) are read and written as the writer will.
   */
  private probeRowTables(sessionId: number): void {
    const rolledBack = new Error('probe rows rolled back');
    try {
      // A nested transaction is a savepoint: throwing out of it undoes the probe rows, not the session.
      this.db.transaction(() => {
        this.rowInserter().insert(sessionId, PROBE_ROWS);
        throw rolledBack;
      })();
    } catch (err) {
      if (err !== rolledBack) throw err;
    }
  }

  private rowInserter(): RowInserter {
    this.inserter ??= new RowInserter(this.db);
    return this.inserter;
  }

  private requireSession(id: number): Session {
    const session = this.getSession(id);
    if (!session) this.resolveSession(id); // throws, listing what exists
    return session as Session;
  }

  private assertWritable(what: string): void {
    if (this.readonly) {
      throw new VcrError('VCR_STORE_WRITE_FAILED', `cannot ${what}: ${this.path} was opened read-only`, {
        hint: 'Open the store without { readonly: true } to write to it.',
      });
    }
  }

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
