// The stand-in GWS server: Fastify answers REST from the recording, the Bayeux server shares its port.

import { createServer, type IncomingMessage } from 'node:http';
import { type FastifyReply, type FastifyRequest, fastify } from 'fastify';
import { BayeuxServer } from '../bayeux/index.js';
import { type Scheduler, systemScheduler } from '../common/clock.js';
import { cookieValue } from '../common/cookies.js';
import { definedOnly } from '../common/defined-only.js';
import { VcrError } from '../common/errors.js';
import { isWebSocketUpgrade, serveWithoutUpgrade } from '../common/ignored-upgrade.js';
import { listen } from '../common/listen.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { splitTarget } from '../common/under-path.js';
import { SESSION_COOKIE } from '../gws/index.js';
import { inspectionRoutes } from './inspection-routes.js';
import {
  type EngineReply,
  ReplayEngine,
  type ReplayMode,
  type ReplaySharing,
  type ReplaySource,
  type ReplayStatus,
} from './replay-engine.js';

export interface ReplayServerOptions {
  source: ReplaySource;
  /** 0 picks a free port */
  port?: number;
  host?: string;
  /** recorded delays are divided by this (2 = twice as fast) */
  speed?: number;
  /** strict: an unmatched request gets a 404 naming the closest recorded ones; lenient: `{"statusCode":0}` */
  mode?: ReplayMode;
  /** each notification moves by up to ± this many ms, reproducibly for one seed */
  jitterMs?: number;
  seed?: number;
  /** JSON fields (and query parameters) left out of matching: `referenceId` anywhere, `userData.stamp` from the root */
  ignoreFields?: string[];
  /** longest gap (ms) between a request and a notification it caused on the recording */
  causeWindowMs?: number;
  /** how live clients divide the recording (see ReplaySharing); auto shares a recording of several clients */
  sharing?: ReplaySharing | 'auto';
  sessionCookieName?: string;
  /** serve /__vcr/* to clients off loopback too; off by default (it can reset the replay) */
  isInspectionPublic?: boolean;
  /** the Bayeux server's hold and expiry times */
  bayeux?: { timeoutMs?: number; maxIntervalMs?: number };
  /** largest REST body accepted, bytes */
  maxBodyBytes?: number;
  /** time for notifications, response delays, Bayeux holds and session expiry; tests pass a manual one */
  scheduler?: Scheduler;
  logger?: Logger;
}

export const REPLAY_DEFAULTS = {
  port: 8090,
  host: '127.0.0.1',
  speed: 1,
  mode: 'strict' as ReplayMode,
  jitterMs: 0,
  seed: 1,
  ignoreFields: [] as string[],
  causeWindowMs: 2000,
  sharing: 'auto' as ReplaySharing | 'auto',
  sessionCookieName: SESSION_COOKIE,
  isInspectionPublic: false,
  maxBodyBytes: 10 * 1024 * 1024,
};

export interface ReplayServer {
  /** `http://HOST:PORT` as bound */
  readonly url: string;
  status(): ReplayStatus;
  /** every client starts the recording again */
  reset(): void;
  /** ends held polls, sockets, timers and the listener; idempotent */
  close(): Promise<void>;
}

const HOST_HEADER = /^[A-Za-z0-9.\-_]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/** The origin a client used, from its Host header; null when absent or not a plain host[:port]. */
const originOf = (req: IncomingMessage): string | null => {
  const host = req.headers.host;
  return host !== undefined && HOST_HEADER.test(host) ? `http://${host.toLowerCase()}` : null;
};

const headerText = (value: string | string[] | undefined): string | null =>
  value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;

export const startReplayServer = async (options: ReplayServerOptions): Promise<ReplayServer> => {
  const config = { ...REPLAY_DEFAULTS, ...definedOnly(options) };
  if (!(config.speed > 0)) {
    throw new VcrError('VCR_BAD_OPTION', `speed ${config.speed} is not above 0`, {
      hint: 'Pass --speed 1 for recorded timing, 10 for ten times faster.',
    });
  }
  const logger = (options.logger ?? silentLogger).child({ part: 'replay' });
  const scheduler = options.scheduler ?? systemScheduler;
  const { session } = options.source;
  const identity = (req: IncomingMessage) => ({
    // node joins repeated Cookie headers with '; ', so the header is always one string
    sessionCookie: cookieValue(req.headers.cookie, config.sessionCookieName) ?? null,
    authorization: headerText(req.headers.authorization),
  });

  const bayeux = new BayeuxServer({
    path: session.notificationsPath,
    ...definedOnly(options.bayeux ?? {}),
    scheduler,
    logger,
    authenticate: (req) => engine.clientForHandshake(identity(req), originOf(req)),
  });
  const engine: ReplayEngine = new ReplayEngine({
    source: options.source,
    publicOrigin: `http://${config.host}:${config.port}`,
    speed: config.speed,
    mode: config.mode,
    jitterMs: config.jitterMs,
    seed: config.seed,
    ignoreFields: config.ignoreFields,
    causeWindowMs: config.causeWindowMs,
    sharing: config.sharing,
    sessionCookieName: config.sessionCookieName,
    scheduler,
    logger,
    deliver: (sessionId, message) => bayeux.publishMessage(message, { sessionId }) > 0,
  });
  bayeux.on('handshake', (s) => engine.sessionStarted(s.id, s.principal));
  bayeux.on('subscribe', (s, channel) => engine.subscribed(s.id, channel));
  bayeux.on('publish', (s, message) => engine.published(s.id, message.channel));
  bayeux.on('disconnect', (s) => engine.sessionEnded(s.id));
  bayeux.on('expired', (s) => engine.sessionEnded(s.id));

  const delays = new Set<{ cancel: () => void; resolve: () => void }>();
  const hold = (delayMs: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        resolve,
        cancel: scheduler.schedule(() => {
          delays.delete(entry);
          resolve();
        }, delayMs),
      };
      delays.add(entry);
    });

  const app = fastify({
    bodyLimit: config.maxBodyBytes,
    exposeHeadRoutes: false,
    serverFactory: (handler) => {
      // The path as sent decides, read as the recorder read it: what it recorded as Bayeux is Bayeux here.
      const server = createServer((req, res) => {
        if (bayeux.matchesRequest(req)) bayeux.handleRequest(req, res);
        else handler(req, res);
      });
      server.on('upgrade', (req, socket, head) => {
        if (!isWebSocketUpgrade(req)) serveWithoutUpgrade(server, req, socket, head);
        else if (bayeux.matchesRequest(req)) bayeux.handleUpgrade(req, socket, head);
        else socket.destroy();
      });
      return server;
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(inspectionRoutes, {
    prefix: '/__vcr',
    isPublic: config.isInspectionPublic,
    status: () => engine.status(),
    reset: () => engine.reset(),
  });
  app.all('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw;
    const answer = engine.handleRequest({
      method: request.method,
      ...splitTarget(raw.url ?? '/'),
      body: Buffer.isBuffer(request.body) ? request.body : null,
      origin: originOf(raw),
      identity: identity(raw),
    });
    if (answer.delayMs > 0) await hold(answer.delayMs);
    return send(reply, answer);
  });

  const { host, port } = config;
  let url: string;
  try {
    url = await listen(app.server, {
      name: 'the replay server',
      host,
      port,
      bind: () => app.listen({ host, port }),
    });
  } catch (err) {
    await bayeux.close();
    throw err;
  }
  engine.setPublicOrigin(url);
  logger.info({ url, sessionId: session.id }, 'replay listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    status: () => engine.status(),
    reset: () => engine.reset(),
    close: () => {
      closing ??= (async () => {
        await bayeux.close();
        engine.close();
        for (const delay of delays) {
          delay.cancel();
          delay.resolve();
        }
        delays.clear();
        await app.close();
      })();
      return closing;
    },
  };
};

const send = (reply: FastifyReply, answer: EngineReply): FastifyReply => {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of answer.headers) {
    const entry = grouped.get(name.toLowerCase());
    if (entry) entry.values.push(value);
    else grouped.set(name.toLowerCase(), { name, values: [value] });
  }
  reply.code(answer.status);
  for (const { name, values } of grouped.values())
    reply.header(name, values.length === 1 ? values[0] : values);
  return reply.send(answer.body);
};
