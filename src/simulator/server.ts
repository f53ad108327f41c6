// The simulator's HTTP server: GWS REST under /api/v2, CometD on /api/v2/notifications, control under /sim; notifications after a latency.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BayeuxServer, type BayeuxServerOptions } from '../bayeux/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import { isWebSocketUpgrade, serveWithoutUpgrade } from '../common/ignored-upgrade.js';
import { listen } from '../common/listen.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { underPath } from '../common/under-path.js';
import {
  API_PREFIX,
  CSRF_HEADER_NAME_HEADER,
  CSRF_REJECTION_TEXT,
  CSRF_TOKEN_HEADER,
  NOTIFICATIONS_PATH,
  SESSION_COOKIE,
  STATUS_CODES,
} from '../gws/index.js';
import { type AgentConfig, AgentDirectory, DEFAULT_AGENT_PHONE_NUMBER, DEFAULT_AGENTS } from './agents.js';
import { SessionStore } from './auth.js';
import { type CallIdsOptions, createCallIds } from './call-ids.js';
import { CallModel } from './call-model.js';
import { CONTROL_PREFIX, handleControl } from './control-api.js';
import { readBody, sendJson, sendText } from './http-io.js';
import type { Notification } from './notifications.js';
import { handleRest } from './rest-routes.js';
import { Switchboard } from './switchboard.js';

export interface SimulatorOptions {
  /** 0 picks a free port */
  port?: number;
  host?: string;
  /** ms between a request's response and its notifications, so timing has something to measure */
  latencyMs?: number;
  logger?: Logger;
  agents?: readonly AgentConfig[];
  /** DN of the agent a request without credentials acts as */
  defaultAgent?: string;
  /** answer 401 / statusCode 20 to requests without credentials instead of using the default agent */
  isAuthRequired?: boolean;
  /** POSTs need the session's X-CSRF-TOKEN (GWS option enableCsrfProtection; off by default, as in GWS) */
  isCsrfEnforced?: boolean;
  /**
   * origin written into absolute URIs (uri, deviceUri, ...), as GWS writes its externalApiUrlV2 option's
   * (a load balancer, say) whatever node answers; default: the simulator's own
   */
  externalOrigin?: string;
  /** time source of call durations */
  clock?: Clock;
  /** fixed call id prefix / counters, for reproducible runs */
  ids?: CallIdsOptions;
  /** CometD timing: hold of a /meta/connect, expiry of a silent client */
  bayeux?: Pick<BayeuxServerOptions, 'timeoutMs' | 'intervalMs' | 'maxIntervalMs'>;
}

export const SIMULATOR_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  latencyMs: 5,
  agents: DEFAULT_AGENTS,
  defaultAgent: DEFAULT_AGENT_PHONE_NUMBER,
  isAuthRequired: false,
  isCsrfEnforced: false,
} as const;

/** The request's target as a URL, or null when a peer sent one that is none (e.g. `//[`). */
const targetOf = (req: IncomingMessage): URL | null => {
  try {
    return new URL(req.url ?? '/', 'http://simulator.invalid');
  } catch {
    return null;
  }
};

/** A running simulator. */
export interface Simulator {
  /** origin it listens on, from the bound address: `http://127.0.0.1:PORT` */
  readonly url: string;
  /** the CometD endpoint: `${url}/api/v2/notifications` */
  readonly notificationsUrl: string;
  /** the Bayeux server, for its events (handshake, subscribe…) */
  readonly bayeux: BayeuxServer;
  /** stops listening, ends polls, sockets and pending notifications; idempotent */
  close(): Promise<void>;
}

/** Starts a GWS Voice API simulator and resolves once it listens. */
export const startSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const config = { ...SIMULATOR_DEFAULTS, ...options };
  const logger = (options.logger ?? silentLogger).child({ part: 'simulator' });
  const agents = new AgentDirectory(config.agents, config.defaultAgent);
  const model = new CallModel(createCallIds(options.ids), options.clock ?? systemClock);
  let origin = '';
  const external = options.externalOrigin === undefined ? null : new URL(options.externalOrigin).origin;
  const uriOrigin = (): string => external ?? origin;
  const board = new Switchboard({ agents, model, origin: uriOrigin });
  const sessions = new SessionStore({ agents, isAuthRequired: config.isAuthRequired });
  const bayeux = new BayeuxServer({
    path: NOTIFICATIONS_PATH,
    logger,
    ...options.bayeux,
    authenticate: (req) => sessions.principalOf(req),
  });
  const pending = new Set<NodeJS.Timeout>();
  let isClosed = false;

  const publishAll = (notifications: Notification[]): void => {
    for (const n of notifications) bayeux.publish(n.channel, n.data, { principal: n.principal });
  };

  /** Notifications go out `latencyMs` after the response is done, in the order they were made. */
  const publishAfter = (res: ServerResponse, notifications: Notification[]): void => {
    if (notifications.length === 0) return;
    res.once('close', () => {
      if (isClosed) return;
      const timer = setTimeout(() => {
        pending.delete(timer);
        publishAll(notifications);
      }, config.latencyMs);
      pending.add(timer);
    });
  };

  const serveApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const identity = sessions.identify(req);
    if (!identity.ok) {
      sendJson(res, 401, { statusCode: STATUS_CODES.ACCESS_DENIED, statusMessage: 'Access denied' });
      return;
    }
    const { agent, session, isNewSession } = identity;
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {};
    if (isNewSession) headers['Set-Cookie'] = `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly`;
    if (method === 'GET') {
      headers[CSRF_HEADER_NAME_HEADER] = CSRF_TOKEN_HEADER;
      headers[CSRF_TOKEN_HEADER] = session.csrfToken;
    } else if (config.isCsrfEnforced && (isNewSession || req.headers['x-csrf-token'] !== session.csrfToken)) {
      sendText(res, 403, CSRF_REJECTION_TEXT);
      return;
    }
    const body =
      method === 'GET' || method === 'HEAD' ? { ok: true as const, text: '' } : await readBody(req);
    if (!body.ok) {
      sendJson(res, 400, {
        statusCode: STATUS_CODES.MISSING_PARAMETER,
        statusMessage: `Request body unreadable: ${body.reason}`,
      });
      return;
    }
    const reply = handleRest(board, uriOrigin(), {
      method,
      pathname: url.pathname,
      query: url.searchParams,
      agent,
      bodyText: body.text,
    });
    if (reply.endsSession) sessions.end(session);
    logger.debug(
      { method, path: url.pathname, agent: agent.phoneNumber, statusCode: reply.body.statusCode },
      'rest',
    );
    publishAfter(res, reply.notifications);
    sendJson(res, reply.status, reply.body, headers);
  };

  const serveControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readBody(req) : { ok: true as const, text: '' };
    if (!body.ok) {
      sendJson(res, 400, { error: 'VCR_SIM_BAD_REQUEST', message: `body unreadable: ${body.reason}` });
      return;
    }
    const reply = handleControl(board, method, url.pathname, body.text);
    publishAfter(res, reply.notifications);
    sendJson(res, reply.status, reply.body);
  };

  const isUnderApi = underPath(API_PREFIX);
  const isUnderControl = underPath(CONTROL_PREFIX);
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = targetOf(req);
    if (url === null) {
      sendJson(res, 400, {
        statusCode: STATUS_CODES.INVALID_VALUE,
        statusMessage: `The request target ${JSON.stringify(req.url)} is not a URL path; send /api/v2/... or /sim/...`,
      });
      return;
    }
    // The recorder's rule (the target as sent): a path the recorder would store as Bayeux is Bayeux here too.
    if (bayeux.matchesRequest(req)) {
      bayeux.handleRequest(req, res);
      return;
    }
    const isApi = isUnderApi(url.pathname);
    const serve = isApi ? serveApi : isUnderControl(url.pathname) ? serveControl : undefined;
    if (serve === undefined) {
      sendJson(res, 404, {
        statusCode: STATUS_CODES.NOT_FOUND,
        statusMessage: `No resource at ${url.pathname}; the GWS API is under ${API_PREFIX}, the simulator's control API under ${CONTROL_PREFIX}`,
      });
      return;
    }
    serve(req, res, url).catch((err: unknown) => {
      // A bug, not bad input: answer 500 and keep serving.
      logger.error({ err, path: url.pathname }, 'simulator request failed');
      sendJson(res, 500, {
        statusCode: STATUS_CODES.INTERNAL_ERROR,
        statusMessage: 'Internal simulator error',
      });
    });
  };

  const server = createServer(onRequest);
  // WebSocket upgrades go to the Bayeux server, which answers any path but CometD's 404, on a socket it guards
  // against resets; any other upgrade (h2c) is served as the plain request it also is.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (isWebSocketUpgrade(req)) bayeux.handleUpgrade(req, socket, head);
    else serveWithoutUpgrade(server, req, socket, head);
  };
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  origin = await listen(server, { name: 'the simulator', host: config.host, port: config.port });
  logger.info({ url: origin }, 'simulator listening');

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    notificationsUrl: `${origin}${NOTIFICATIONS_PATH}`,
    bayeux,
    close: () => {
      closing ??= (async () => {
        isClosed = true;
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await bayeux.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
};
