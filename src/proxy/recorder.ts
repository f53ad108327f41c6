// The recorder: a reverse proxy in front of a GWS server that records one session (HTTP, CometD, WebSocket) to the store.
import { createServer, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { type Clock, startSessionClock, systemClock } from '../common/clock.js';
import { definedOnly } from '../common/defined-only.js';
import { VcrError } from '../common/errors.js';
import { isWebSocketUpgrade, serveWithoutUpgrade } from '../common/ignored-upgrade.js';
import { listen } from '../common/listen.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { originSpellings } from '../common/origin-spellings.js';
import { underPath } from '../common/under-path.js';
import { type NewBayeuxRow, openStore, type Session, type Store } from '../store/index.js';
import { type RecorderEventName, RecorderEvents, type RecorderListener } from './events.js';
import { createHttpForwarder } from './forward-http.js';
import { createWebSocketForwarder } from './forward-websocket.js';
import { OffThreadWriter, type RowWriter } from './off-thread-writer.js';
import { RowBuilder } from './record-rows.js';
import { type RedactOptions, Redactor } from './redactor.js';

export interface RecorderOptions {
  /** the GWS server to forward to, e.g. "http://127.0.0.1:8080"; only its origin is used */
  upstream: string | URL;
  /** port to listen on; 0 picks a free one */
  port?: number;
  host?: string;
  /** the store to record into (the caller keeps owning it) ... */
  store?: Store;
  /** ... or the path of a file the recorder opens and closes itself */
  dbPath?: string;
  /** label of the session (--name) */
  name?: string | null;
  /** Bayeux path prefix: the path itself and every suffix under it are decoded as CometD */
  notificationsPath?: string;
  /**
   * other origins the upstream names itself by in its answers (`--rewrite-origin`), such as the load balancer
   * GWS's externalApiUrlV2 points at when `upstream` is one node: rewritten to the proxy's origin like the
   * upstream's own, and kept with the session so that replay rewrites them too
   */
  rewriteOrigins?: ReadonlyArray<string | URL>;
  redact?: RedactOptions;
  /** bodies and frames longer than this are streamed through whole and stored cut, flagged 'truncated' */
  maxBodyBytes?: number;
  /** how long rows wait before one transaction writes them */
  batchWindowMs?: number;
  /** ms WebSocket peers get to finish their close handshake when the recorder closes */
  closeGraceMs?: number;
  /**
   * true: an https upstream's TLS certificate must verify against Node's CAs and NODE_EXTRA_CA_CERTS
   * (`record --verify-upstream`). Default false: any certificate is taken, as a lab GWS's is usually
   * self-signed and the command line a recording is started with has no way to name a CA.
   */
  isUpstreamCertificateChecked?: boolean;
  /**
   * true (the default): rows are written on a worker thread with its own connection, so SQLite (and its
   * checkpoint fsyncs) never runs on the forwarding thread; false: on this thread, through the store's
   * connection. Rows are packed as they are added and the bytes transferred. Writing a batch in place holds up
   * every request and notification in flight while it runs: on two cores the worker thread gives about the
   * same REST throughput and a far lower CometD p99 (`npm run bench -- --only=writer` and `--only=cometd-load`).
   */
  isWriterOffThread?: boolean;
  logger?: Logger;
  clock?: Clock;
}

export const RECORDER_DEFAULTS = {
  port: 8090,
  host: '127.0.0.1',
  name: null,
  notificationsPath: '/api/v2/notifications',
  rewriteOrigins: [],
  redact: {},
  maxBodyBytes: 10 * 1024 * 1024,
  batchWindowMs: 25,
  closeGraceMs: 1000,
  isUpstreamCertificateChecked: false,
  isWriterOffThread: true,
  logger: silentLogger,
  clock: systemClock,
} satisfies Required<Omit<RecorderOptions, 'upstream' | 'store' | 'dbPath'>>;

export interface RecorderStats {
  /** rows emitted so far, by kind (an exchange completed in two steps counts once) */
  exchanges: number;
  messages: number;
  frames: number;
  /** rows committed to the store */
  rowsWritten: number;
  /** rows the store could not write (counted, dropped; traffic went on) */
  rowsFailed: number;
  batches: number;
  /** the store's most recent failure; null if none */
  lastError: string | null;
}

export interface Recorder {
  /** where clients reach the proxy, from the address really bound, e.g. "http://127.0.0.1:8090" */
  readonly url: string;
  readonly sessionId: number;
  readonly session: Session;
  readonly stats: RecorderStats;
  /** Subscribes to redacted rows as they pass (the store writer is one subscriber); returns the unsubscriber. */
  on<K extends RecorderEventName>(name: K, listener: RecorderListener<K>): () => void;
  off<K extends RecorderEventName>(name: K, listener: RecorderListener<K>): void;
  /** Writes the rows emitted so far; resolves once they are committed (or counted as failed). */
  flush(): Promise<void>;
  /**
   * Stops accepting, ends connections in flight (held polls, WebSockets: 1001), records them, flushes,
   * stamps the session's end time and closes the store if the recorder opened it. Idempotent.
   */
  close(): Promise<void>;
}

/** An http(s) URL, or VCR_BAD_OPTION naming `what` it was meant to be, with `hint` on what to pass instead. */
const parseHttpUrl = (value: string | URL, what: string, hint: string): URL => {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new VcrError('VCR_BAD_OPTION', `${what} "${String(value)}" is not a URL`, { hint, cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VcrError('VCR_BAD_OPTION', `${what} "${url.href}" is not http or https`, { hint });
  }
  return url;
};

const parseUpstream = (upstream: string | URL): URL =>
  parseHttpUrl(
    upstream,
    'upstream',
    'Pass --upstream http://HOST:PORT of the GWS server (or simulator) to record; WebSocket upgrades are ' +
      'relayed on the same origin.',
  );

/** The --rewrite-origin origins as URL.origin spells them, each once, the upstream's own left out. */
const otherOrigins = (origins: ReadonlyArray<string | URL>, upstream: URL): string[] => {
  const hint =
    'Pass --rewrite-origin the http(s) URL the upstream names itself by in its answers, e.g. https://gws-lb.example.com.';
  const out = new Set(origins.map((o) => parseHttpUrl(o, 'origin to rewrite', hint).origin));
  out.delete(upstream.origin);
  return [...out];
};

/** The error of a held long-poll's placeholder row: left as it is only if no answer came (a killed recorder). */
export const HELD_PLACEHOLDER_ERROR = 'still held by the upstream when last written: no answer was recorded';

// Only a plain host[:port] may become the origin written into bodies; anything else falls back to the bound URL.
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Starts the recorder; resolves once it listens and its session exists. */
export const startRecorder = async (options: RecorderOptions): Promise<Recorder> => {
  const opts = { ...RECORDER_DEFAULTS, ...definedOnly(options) };
  const upstream = parseUpstream(options.upstream);
  const rewriteOrigins = otherOrigins(opts.rewriteOrigins, upstream);
  const rewrittenFrom = [upstream.origin, ...rewriteOrigins].flatMap(originSpellings);
  const logger = opts.logger;
  if (!options.store && !options.dbPath) {
    throw new VcrError('VCR_BAD_OPTION', 'the recorder needs a store or a dbPath to record into');
  }
  const clock = startSessionClock(opts.clock);
  const server = createServer({ keepAlive: true });
  // A held /meta/connect lasts as long as the upstream wants; Node must not time it out on its own.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.timeout = 0;
  const url = await listen(server, { name: 'the recorder', host: opts.host, port: opts.port });

  let store: Store;
  let writer: RowWriter;
  let session: Session;
  const ownsStore = !options.store;
  let opened: Store | undefined;
  try {
    if (!options.store) opened = openStore(opts.dbPath as string, { logger });
    store = options.store ?? (opened as Store);
    session = store.createSession({
      name: opts.name,
      upstream: upstream.origin,
      source: 'record',
      listenOrigin: url,
      originWallMs: clock.originWallMs,
      notificationsPath: opts.notificationsPath,
      rewriteOrigins,
    });
    writer = await createRowWriter(store, session.id, opts);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // a store the recorder opened is the recorder's to close: a failed start must not keep the file open
    opened?.close();
    throw err;
  }

  const events = new RecorderEvents(logger);
  const counts = { exchanges: 0, messages: 0, frames: 0 };
  events.on('exchange', (row) => writer.addExchange(row));
  events.on('bayeux-message', (row) => writer.addMessage(row));
  events.on('frame', (row) => writer.addFrame(row));

  // A content-encoded body is decoded to be redacted: JSON compresses about tenfold, and the cap keeps a
  // compression bomb from holding up the forwarding thread (10 MiB of output decodes in some tens of ms).
  const maxDecodedBytes = Math.max(4 * opts.maxBodyBytes, 1024 * 1024);
  const rows = new RowBuilder(new Redactor(opts.redact), writer, maxDecodedBytes);
  const isNotificationsPath = underPath(opts.notificationsPath);
  const publicOrigin = (req: IncomingMessage): string => {
    const hostHeader = req.headers.host;
    return hostHeader !== undefined && HOST_HEADER.test(hostHeader) ? `http://${hostHeader}` : url;
  };
  const agent =
    upstream.protocol === 'https:'
      ? new HttpsAgent({
          keepAlive: true,
          maxFreeSockets: 256,
          scheduling: 'lifo',
          rejectUnauthorized: opts.isUpstreamCertificateChecked,
        })
      : new HttpAgent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });

  const emitMessages = (messages: readonly NewBayeuxRow[]): void => {
    for (const message of messages) {
      counts.messages += 1;
      events.emit('bayeux-message', message);
    }
  };
  const http = createHttpForwarder({
    upstream,
    rewrittenFrom,
    agent,
    clock,
    ids: writer,
    maxBodyBytes: opts.maxBodyBytes,
    isNotificationsPath,
    publicOrigin,
    isUpstreamCertificateChecked: opts.isUpstreamCertificateChecked,
    logger,
    onExchange: (captured) => {
      const built = rows.exchange(captured);
      counts.exchanges += 1;
      events.emit('exchange', built.exchange);
      emitMessages(built.messages);
    },
    // The exchange row is a placeholder for the store alone, which the final row (same id) replaces when the
    // poll ends: subscribers get each HTTP exchange once, complete. Its request's messages are final: emitted
    // now, once.
    onHeldExchange: (captured) => {
      // What the placeholder says if the recorder dies before the answer comes (kill -9).
      const built = rows.exchange({ ...captured, error: captured.error ?? HELD_PLACEHOLDER_ERROR });
      writer.addExchange(built.exchange);
      emitMessages(built.messages);
    },
    heldSweepMs: opts.batchWindowMs,
  });
  const websocket = createWebSocketForwarder({
    upstream,
    rewrittenFrom,
    clock,
    ids: writer,
    maxBodyBytes: opts.maxBodyBytes,
    isNotificationsPath,
    publicOrigin,
    isUpstreamCertificateChecked: opts.isUpstreamCertificateChecked,
    closeGraceMs: opts.closeGraceMs,
    logger,
    onExchange: (captured, isFinal) => {
      if (isFinal) counts.exchanges += 1;
      events.emit('exchange', rows.exchange(captured).exchange);
    },
    onFrame: (captured) => {
      const built = rows.frame(captured);
      counts.frames += 1;
      events.emit('frame', built.frame);
      emitMessages(built.messages);
    },
  });
  server.on('request', http.handle);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isWebSocketUpgrade(req)) websocket.handleUpgrade(req, socket, head);
    else serveWithoutUpgrade(server, req, socket, head);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    logger.debug({ err }, 'malformed request from a client');
    if (!socket.writable) return;
    // As Node answers by itself: a request line or headers past its size limit is a 431, anything else a 400.
    socket.end(
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'
        : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
    );
  });
  logger.info({ url, upstream: upstream.origin, sessionId: session.id }, 'recorder listening');

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([http.close(), websocket.close()]);
    server.closeAllConnections();
    await closed;
    agent.destroy();
    await writer.close();
    try {
      store.endSession(session.id, clock.originWallMs + clock.atMs());
    } catch (err) {
      logger.error({ err, sessionId: session.id }, 'could not stamp the session end time');
    }
    if (ownsStore) store.close();
  };

  return {
    url,
    sessionId: session.id,
    session,
    get stats(): RecorderStats {
      const w = writer.stats;
      return {
        ...counts,
        rowsWritten: w.rowsWritten,
        rowsFailed: w.rowsFailed,
        batches: w.batches,
        lastError: w.lastError,
      };
    },
    on: (name, listener) => events.on(name, listener),
    off: (name, listener) => events.off(name, listener),
    flush: () => writer.flush(),
    close: () => {
      closing ??= close();
      return closing;
    },
  };
};

/** The off-thread writer where it can run (a file on disk), else the store's own writer on this thread. */
const createRowWriter = async (
  store: Store,
  sessionId: number,
  opts: { isWriterOffThread: boolean; batchWindowMs: number; logger: Logger },
): Promise<RowWriter> => {
  // When the inserts run on the forwarding thread (asked for, or no worker could start), the checkpoints
  // still do not: each copies megabytes and fsyncs, stalling every request in flight for milliseconds.
  const inline = (): RowWriter =>
    store.createWriter(sessionId, {
      batchWindowMs: opts.batchWindowMs,
      isCheckpointOffThread: true,
      logger: opts.logger,
    });
  if (!opts.isWriterOffThread || store.path === ':memory:' || store.path === '') return inline();
  try {
    return await OffThreadWriter.start({
      dbPath: store.path,
      storeOptions: store.connectionOptions,
      sessionId,
      batchWindowMs: opts.batchWindowMs,
      logger: opts.logger,
    });
  } catch (err) {
    opts.logger.warn({ err }, 'could not start the store worker; writing on the forwarding thread instead');
    return inline();
  }
};
