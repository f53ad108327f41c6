// The dashboard server: a Fastify app with the security hooks, the JSON API plugins and the static pages.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { definedOnly } from '../common/defined-only.js';
import { errorBody, isVcrError, VcrError } from '../common/errors.js';
import { listen } from '../common/listen.js';
import { type Logger, silentLogger } from '../common/logger.js';
import type { Store } from '../store/index.js';
import { AnalysisCache } from './analysis-cache.js';
import { analysisRoutes } from './analysis-routes.js';
import { liveRoutes } from './live-routes.js';
import { rowRoutes } from './row-routes.js';
import { assertSafeBinding, installSecurity } from './security.js';
import { sessionRoutes } from './session-routes.js';
import { DEFAULT_PAGES_DIR, staticRoutes } from './static-routes.js';
import type { DashboardOptions } from './types.js';

export const DASHBOARD_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  pagesDir: DEFAULT_PAGES_DIR,
  liveFlushMs: 200,
  heartbeatMs: 15_000,
  analysisCacheSessions: 4,
  warmUp: true,
  logger: silentLogger,
} satisfies Partial<DashboardOptions>;

/**
 * Builds the app without listening (for `app.inject()` in tests, and for createDashboard).
 * Throws VCR_DASHBOARD_UNSAFE_HOST for a non-loopback host without a token.
 */
export const buildDashboardApp = async (options: DashboardOptions): Promise<FastifyInstance> => {
  const o = { ...DASHBOARD_DEFAULTS, ...definedOnly(options), store: options.store };
  assertSafeBinding(o.host, o.token);
  // forceCloseConnections: on close, keep-alive sockets of browsers (and held event streams) are cut rather than
  // waited for; the API has nothing in flight worth finishing at shutdown.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, forceCloseConnections: true });

  installSecurity(app, { ...(o.token === undefined ? {} : { token: o.token }) });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isVcrError(err)) {
      const status = err.statusCode ?? 500;
      if (status >= 500) o.logger.error({ err, url: request.url }, 'dashboard request failed');
      return reply.code(status).send(errorBody(err.code, err.message, err.hint ? { hint: err.hint } : {}));
    }
    if (err.validation || (err.statusCode !== undefined && err.statusCode < 500)) {
      return reply.code(err.statusCode ?? 400).send(
        errorBody('VCR_DASHBOARD_BAD_QUERY', `bad request to ${request.url.split('?')[0]}: ${err.message}`, {
          hint: 'docs/dashboard.md lists the parameters each route takes.',
        }),
      );
    }
    o.logger.error({ err, url: request.url }, 'dashboard request failed');
    return reply
      .code(500)
      .send(
        errorBody(
          'VCR_DASHBOARD_FAILED',
          `the dashboard failed to answer ${request.url.split('?')[0]}: ${err.message}`,
        ),
      );
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody('VCR_DASHBOARD_NOT_FOUND', `nothing at ${request.method} ${request.url.split('?')[0]}`),
      ),
  );

  const cache = new AnalysisCache(o.store, { maxSessions: o.analysisCacheSessions });
  if (o.warmUp) warmUpAfterListen(app, () => warmUp(o.store, cache, o.live?.sessionId, o.logger));
  // Schema validation coerces "Infinity" and "1e309" into numbers it lets through; SQLite cannot page by them.
  app.addHook('preHandler', async (request) => {
    for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new VcrError(
          'VCR_DASHBOARD_BAD_QUERY',
          `bad request to ${request.url.split('?')[0]}: ${key} must be a finite number`,
          {
            hint: 'docs/dashboard.md lists the parameters each route takes.',
            statusCode: 400,
          },
        );
      }
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
  await app.register(sessionRoutes, {
    prefix: '/api/sessions',
    store: o.store,
    liveSessionId: o.live?.sessionId,
  });
  await app.register(rowRoutes, { prefix: '/api/sessions', store: o.store });
  await app.register(analysisRoutes, { prefix: '/api/sessions', store: o.store, cache });
  await app.register(liveRoutes, {
    prefix: '/api/sessions',
    store: o.store,
    live: o.live,
    flushMs: o.liveFlushMs,
    heartbeatMs: o.heartbeatMs,
    logger: o.logger,
  });
  await app.register(staticRoutes, { pagesDir: o.pagesDir });
  return app;
};

/**
 * Analyzing a big session takes seconds (200,000 messages: about two, the "first analysis" row of
 * `npm run bench -- --only=dashboard`); doing it once the server listens, for the session a user most likely opens
 * (the live one, else the newest), makes the first page load fast.
 */
const warmUp = (
  store: Store,
  cache: AnalysisCache,
  liveSessionId: number | undefined,
  logger: Logger,
): void => {
  try {
    const id = liveSessionId ?? store.listSessions().at(-1)?.id;
    const session = id === undefined ? null : store.getSession(id);
    if (session) cache.get(session);
  } catch (err) {
    logger.warn({ err }, 'could not analyze the latest session ahead of time; it will be on first view');
  }
};

/** Runs `work` on the turn after the server starts listening (so `listening on` is printed first), unless closed. */
const warmUpAfterListen = (app: FastifyInstance, work: () => void): void => {
  let pending: NodeJS.Immediate | null = null;
  app.addHook('onListen', async () => {
    pending = setImmediate(() => {
      pending = null;
      work();
    });
  });
  app.addHook('preClose', async () => {
    if (pending) clearImmediate(pending);
    pending = null;
  });
};

export interface Dashboard {
  /** http://HOST:PORT from the address actually bound */
  url: string;
  app: FastifyInstance;
  /** ends event streams and stops listening; idempotent. The store is the caller's to close. */
  close(): Promise<void>;
}

/** Builds the app and listens on host:port (0 picks a free port). */
export const createDashboard = async (options: DashboardOptions): Promise<Dashboard> => {
  const host = options.host ?? DASHBOARD_DEFAULTS.host;
  const port = options.port ?? DASHBOARD_DEFAULTS.port;
  const app = await buildDashboardApp(options);
  let url: string;
  try {
    url = await listen(app.server, {
      name: 'the dashboard',
      host,
      port,
      ...(options.portOption === undefined ? {} : { portOption: options.portOption }),
      bind: () => app.listen({ host, port }),
    });
  } catch (err) {
    await app.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    url,
    app,
    close: () => {
      closing ??= app.close();
      return closing;
    },
  };
};
