// Writes a recorded session as HAR 1.2, entry by entry, with exact rows kept under `_gwsVcr` for a lossless import.
import { isUtf8 } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { definedOnly } from '../common/defined-only.js';
import { decodeContentEncoding } from './content-encoding.js';
import type {
  HarCookie,
  HarEntry,
  HarEntryExtra,
  HarFrameExtra,
  HarLog,
  HarLogExtra,
  HarMessageRow,
  HarNameValue,
  HarWebSocketMessage,
} from './har-types.js';
import type { Store } from './store.js';
import type { BayeuxRow, Exchange, FrameOpcode, FrameRow, HeaderList, Session } from './types.js';

export interface HarExportOptions {
  /** `log.creator` */
  creator?: { name: string; version: string };
  /** called after each entry is written, and once at the start with done 0 */
  onProgress?: (done: number, total: number) => void;
  /** exchanges read from the store per query */
  chunkRows?: number;
  /** stops after the entry being written; writeHar rejects with the signal's reason */
  signal?: AbortSignal;
}

export const HAR_EXPORT_DEFAULTS = {
  creator: { name: 'gws-vcr', version: '0.1.0' },
  onProgress: (_done: number, _total: number): void => {},
  chunkRows: 500,
} satisfies Required<Omit<HarExportOptions, 'signal'>>;

export interface HarExportCounts {
  entries: number;
  frames: number;
  messages: number;
}

/** Something to write text to, as a file stream is; `write` returning false means wait for 'drain'. */
export interface HarSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** RFC 6455 §5.2 opcodes, as Chrome writes them in `_webSocketMessages`. */
const WS_OPCODES: Record<FrameOpcode, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

const header = (headers: HeaderList | null, name: string): string | undefined =>
  headers?.find(([n]) => n.toLowerCase() === name)?.[1];

const nameValues = (headers: HeaderList | null): HarNameValue[] =>
  (headers ?? []).map(([name, value]) => ({ name, value }));

const requestCookies = (headers: HeaderList): HarCookie[] =>
  headers
    .filter(([n]) => n.toLowerCase() === 'cookie')
    .flatMap(([, v]) => v.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });

const responseCookies = (headers: HeaderList | null): HarCookie[] =>
  (headers ?? [])
    .filter(([n]) => n.toLowerCase() === 'set-cookie')
    .map(([, v]) => {
      const pair = v.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      return eq === -1
        ? { name: pair.trim(), value: '' }
        : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1) };
    });

/** The decompressed body when the response says it is compressed and the whole body is stored; else null. */
const decodedBody = (exchange: Exchange, body: Buffer): Buffer | null => {
  if (exchange.flags.includes('truncated')) return null;
  try {
    return decodeContentEncoding(body, exchange.responseHeaders)?.body ?? null;
  } catch {
    // Stored as it came; HAR readers get the raw bytes in base64 below.
    return null;
  }
};

const wsUrlOf = (upstream: string): string => upstream.replace(/^http(s?):/, 'ws$1:');

const messageRow = (m: BayeuxRow): HarMessageRow => ({
  id: m.id,
  exchangeId: m.exchangeId,
  direction: m.direction,
  transport: m.transport,
  channel: m.channel,
  clientId: m.clientId,
  messageId: m.messageId,
  successful: m.successful,
  atMs: m.atMs,
  message: m.message,
});

/** One frame in Chrome's shape: text as text, everything else (and text that is not UTF-8) as base64. */
const harFrame = (session: Session, f: FrameRow): HarWebSocketMessage => {
  const isText = f.opcode === 'text' && isUtf8(f.payload);
  const extra: HarFrameExtra = { id: f.id, atMs: f.atMs, payloadBytes: f.payloadBytes, flags: f.flags };
  if (f.opcode === 'text' && !isText) extra.isBase64 = true;
  return {
    type: f.direction === 'to-server' ? 'send' : 'receive',
    time: (session.originWallMs + f.atMs) / 1000,
    opcode: WS_OPCODES[f.opcode],
    data: isText ? f.payload.toString('utf8') : f.payload.toString('base64'),
    _gwsVcr: extra,
  };
};

/**
 * One exchange as a HAR entry. Times: startedDateTime = originWallMs + startMs; timings.send = until the
 * request was sent (a long-poll's to-server messages); timings.wait = firstByteMs - startMs - send;
 * timings.receive = endMs - firstByteMs (for a WebSocket, its life after the upgrade, until it closed);
 * time = their sum. Exact values go to `_gwsVcr`.
 */
const harEntry = (
  session: Session,
  exchange: Exchange,
  frames: readonly FrameRow[] = [],
  messages: readonly BayeuxRow[] = [],
): HarEntry => {
  const e = exchange;
  const isWebSocket = e.kind === 'websocket';
  const base = isWebSocket ? wsUrlOf(session.upstream) : session.upstream;
  const url = `${base}${e.path}${e.query === '' ? '' : `?${e.query}`}`;
  const extra: HarEntryExtra = {
    id: e.id,
    kind: e.kind,
    startMs: e.startMs,
    firstByteMs: e.firstByteMs,
    endMs: e.endMs,
    status: e.status,
    hasResponseHeaders: e.responseHeaders !== null,
    requestBodyBytes: e.requestBodyBytes,
    responseBodyBytes: e.responseBodyBytes,
    error: e.error,
    flags: e.flags,
    path: e.path,
    query: e.query,
  };
  if (messages.length > 0) extra.messages = messages.map(messageRow);

  const requestType = header(e.requestHeaders, 'content-type') ?? '';
  const responseType = header(e.responseHeaders, 'content-type') ?? '';
  let text: string | undefined;
  let encoding: string | undefined;
  let size = e.responseBodyBytes;
  if (e.responseBody !== null) {
    const decoded = decodedBody(e, e.responseBody);
    if (decoded) {
      extra.rawResponseBody = e.responseBody.toString('base64');
      size = decoded.length;
    }
    const body = decoded ?? e.responseBody;
    if (isUtf8(body)) text = body.toString('utf8');
    else [text, encoding] = [body.toString('base64'), 'base64'];
  }

  const reached = e.firstByteMs ?? e.endMs ?? e.startMs;
  // The recorder stamps a long-poll's own messages when its request was fully sent: that is HAR's `send`.
  const sentMs = messages.reduce(
    (latest, m) =>
      m.direction === 'to-server' && m.transport === 'long-polling' ? Math.max(latest, m.atMs) : latest,
    e.startMs,
  );
  const send = Math.min(Math.max(0, sentMs - e.startMs), Math.max(0, reached - e.startMs));
  const wait = Math.max(0, reached - e.startMs - send);
  const receive = e.firstByteMs === null || e.endMs === null ? 0 : Math.max(0, e.endMs - e.firstByteMs);
  const entry: HarEntry = {
    startedDateTime: new Date(session.originWallMs + e.startMs).toISOString(),
    time: send + wait + receive,
    request: {
      method: e.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: requestCookies(e.requestHeaders),
      headers: nameValues(e.requestHeaders),
      queryString: [...new URLSearchParams(e.query)].map(([name, value]) => ({ name, value })),
      headersSize: -1,
      bodySize: e.requestBody === null ? 0 : e.requestBodyBytes,
    },
    response: {
      status: e.status ?? 0,
      statusText: e.status === null ? '' : (STATUS_CODES[e.status] ?? ''),
      httpVersion: 'HTTP/1.1',
      cookies: responseCookies(e.responseHeaders),
      headers: nameValues(e.responseHeaders),
      content: {
        size,
        mimeType: responseType,
        ...(text === undefined ? {} : { text }),
        ...(encoding ? { encoding } : {}),
      },
      redirectURL: header(e.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: e.status === null ? -1 : e.responseBodyBytes,
      ...(e.error === null ? {} : { _error: e.error }),
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send, wait, receive },
    _resourceType: isWebSocket ? 'websocket' : 'xhr',
  };
  if (e.requestBody !== null) {
    const isText = isUtf8(e.requestBody);
    entry.request.postData = {
      mimeType: requestType,
      text: e.requestBody.toString(isText ? 'utf8' : 'base64'),
      ...(isText ? {} : { _encoding: 'base64' as const }),
    };
  }
  if (isWebSocket) entry._webSocketMessages = frames.map((f) => harFrame(session, f));
  entry._gwsVcr = extra;
  return entry;
};

const logExtra = (session: Session): HarLogExtra => ({
  formatVersion: 1,
  session: {
    id: session.id,
    name: session.name,
    upstream: session.upstream,
    source: session.source,
    listenOrigin: session.listenOrigin,
    originWallMs: session.originWallMs,
    endedAt: session.endedAt,
    notificationsPath: session.notificationsPath,
    rewriteOrigins: session.rewriteOrigins,
  },
  orphanMessages: [],
  orphanFrames: [],
});

const write = async (out: HarSink, chunk: string): Promise<void> => {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
};

/**
 * Writes the session as one HAR 1.2 document to `out`, an entry at a time, so a session of any size is never
 * all in memory. Exchanges become entries in start order; frames ride in their entry's `_webSocketMessages`;
 * Bayeux rows and everything HAR cannot say go under `_gwsVcr`. The caller ends the stream.
 */
export const writeHar = async (
  store: Store,
  sessionId: number,
  out: HarSink,
  options: HarExportOptions = {},
): Promise<HarExportCounts> => {
  const o = { ...HAR_EXPORT_DEFAULTS, ...definedOnly(options) };
  const { signal } = options;
  const session = store.resolveSession(sessionId);
  const total = store.countExchanges(sessionId);
  const counts: HarExportCounts = { entries: 0, frames: 0, messages: 0 };
  const exchangeIds = new Set<number>();
  const webSocketIds = new Set<number>();
  const head: Omit<HarLog, 'entries' | '_gwsVcr'> = { version: '1.2', creator: o.creator, pages: [] };
  await write(out, `{"log":${JSON.stringify(head).slice(0, -1)},"entries":[\n`);
  o.onProgress(0, total);
  for (let offset = 0; offset < total; offset += o.chunkRows) {
    for (const exchange of store.exchanges(sessionId, { offset, limit: o.chunkRows })) {
      const frames =
        exchange.kind === 'websocket' ? store.frames(sessionId, { exchangeId: exchange.id }) : [];
      const messages = store.messages(sessionId, { exchangeId: exchange.id });
      const entry = harEntry(session, exchange, frames, messages);
      await write(out, `${counts.entries === 0 ? '' : ',\n'}${JSON.stringify(entry)}`);
      exchangeIds.add(exchange.id);
      if (exchange.kind === 'websocket') webSocketIds.add(exchange.id);
      counts.entries += 1;
      counts.frames += frames.length;
      counts.messages += messages.length;
      o.onProgress(counts.entries, total);
      signal?.throwIfAborted();
    }
  }
  const extra = logExtra(session);
  // Rows whose exchange is not in the file (a killed recorder never wrote it): rare, so only looked for
  // when the counts say some are missing.
  if (store.countMessages(sessionId) > counts.messages) {
    for (const m of store.iterateMessages(sessionId)) {
      if (m.exchangeId === null || !exchangeIds.has(m.exchangeId)) extra.orphanMessages.push(messageRow(m));
    }
  }
  if (store.countFrames(sessionId) > counts.frames) {
    for (const f of store.iterateFrames(sessionId)) {
      if (!webSocketIds.has(f.exchangeId))
        extra.orphanFrames.push({ ...harFrame(session, f), exchangeId: f.exchangeId });
    }
  }
  counts.messages += extra.orphanMessages.length;
  counts.frames += extra.orphanFrames.length;
  await write(out, `\n],"_gwsVcr":${JSON.stringify(extra)}}}\n`);
  return counts;
};
