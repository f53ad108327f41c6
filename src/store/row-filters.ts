// Turns the query filters of types.ts into SQL WHERE clauses with bound parameters, one builder per table.
import type { ExchangeFilter, FrameFilter, MessageFilter, RowFilter } from './types.js';

export type SqlParam = string | number;

export interface Where {
  /** starts with "WHERE", conditions joined by AND */
  sql: string;
  params: SqlParam[];
}

class WhereBuilder {
  private readonly conditions: string[] = [];
  readonly params: SqlParam[] = [];

  constructor(sessionId: number) {
    this.add('session_id = ?', sessionId);
  }

  add(condition: string, ...params: SqlParam[]): void {
    this.conditions.push(condition);
    this.params.push(...params);
  }

  build(): Where {
    return { sql: `WHERE ${this.conditions.join(' AND ')}`, params: this.params };
  }
}

/** LIKE pattern matching `text` anywhere, with LIKE's own wildcards escaped (ESCAPE '\'). */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const timeRange = (w: WhereBuilder, column: string, f: RowFilter): void => {
  if (f.fromMs !== undefined) w.add(`${column} >= ?`, f.fromMs);
  if (f.toMs !== undefined) w.add(`${column} <= ?`, f.toMs);
};

/**
 * Bayeux channel match: "/a/b" exactly, "/a/*" one more segment, "/a/**" any number of segments
 * (Bayeux 1.0 §3.3 wildcards). substr/instr rather than GLOB so '[' or '?' in a channel stay literal.
 */
const channelMatch = (w: WhereBuilder, channel: string): void => {
  if (channel.endsWith('/*')) {
    // A range on the prefix lets the (session_id, channel) index narrow the scan: in byte order every
    // channel starting "/a/" sorts between "/a/" and "/a0" ('0' follows '/').
    const prefix = channel.slice(0, channel.lastIndexOf('/') + 1);
    w.add('channel >= ? AND channel < ?', prefix, `${prefix.slice(0, -1)}0`);
  }
  if (channel.endsWith('/**')) {
    const prefix = channel.slice(0, -2);
    w.add('substr(channel, 1, ?) = ? AND length(channel) > ?', prefix.length, prefix, prefix.length);
  } else if (channel.endsWith('/*')) {
    const prefix = channel.slice(0, -1);
    w.add(
      'substr(channel, 1, ?) = ? AND length(channel) > ? AND instr(substr(channel, ?), ?) = 0',
      prefix.length,
      prefix,
      prefix.length,
      prefix.length + 1,
      '/',
    );
  } else {
    w.add('channel = ?', channel);
  }
};

export const exchangeWhere = (sessionId: number, f: ExchangeFilter = {}): Where => {
  const w = new WhereBuilder(sessionId);
  timeRange(w, 'start_ms', f);
  if (f.kind !== undefined) w.add('kind = ?', f.kind);
  if (f.method !== undefined) w.add('method = ?', f.method);
  if (f.path !== undefined) w.add('path = ?', f.path);
  if (f.text !== undefined) {
    w.add(`(path LIKE ? ESCAPE '\\' OR query LIKE ? ESCAPE '\\')`, containing(f.text), containing(f.text));
  }
  return w.build();
};

export const messageWhere = (sessionId: number, f: MessageFilter = {}): Where => {
  const w = new WhereBuilder(sessionId);
  timeRange(w, 'at_ms', f);
  if (f.channel !== undefined) channelMatch(w, f.channel);
  if (f.direction !== undefined) w.add('direction = ?', f.direction);
  if (f.clientId !== undefined) w.add('client_id = ?', f.clientId);
  if (f.exchangeId !== undefined) w.add('exchange_id = ?', f.exchangeId);
  if (f.transport !== undefined) w.add('transport = ?', f.transport);
  if (f.text !== undefined) w.add(`message LIKE ? ESCAPE '\\'`, containing(f.text));
  return w.build();
};

export const frameWhere = (sessionId: number, f: FrameFilter = {}): Where => {
  const w = new WhereBuilder(sessionId);
  timeRange(w, 'at_ms', f);
  if (f.direction !== undefined) w.add('direction = ?', f.direction);
  if (f.exchangeId !== undefined) w.add('exchange_id = ?', f.exchangeId);
  if (f.opcode !== undefined) w.add('opcode = ?', f.opcode);
  if (f.text !== undefined) w.add(`CAST(payload AS TEXT) LIKE ? ESCAPE '\\'`, containing(f.text));
  return w.build();
};

/** "LIMIT ? OFFSET ?" with its params; -1 is SQLite's "no limit". */
export const page = (f: RowFilter): { sql: string; params: SqlParam[] } => {
  const limit = f.limit === undefined ? -1 : Math.max(0, Math.floor(f.limit));
  const offset = f.offset === undefined ? 0 : Math.max(0, Math.floor(f.offset));
  return { sql: 'LIMIT ? OFFSET ?', params: [limit, offset] };
};
