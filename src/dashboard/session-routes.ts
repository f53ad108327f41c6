// GET /api/sessions and /api/sessions/:id: what the recording holds, with counts, and which session is live.
import type { FastifyPluginAsync } from 'fastify';
import { VcrError } from '../common/errors.js';
import type { SessionSummary, Store } from '../store/index.js';
import { sessionParams } from './query-schemas.js';

export interface SessionRoutesOptions {
  store: Store;
  /** the session being recorded by this process, if any */
  liveSessionId?: number | undefined;
}

export interface SessionJson extends SessionSummary {
  /** rows of this session are pushed on /api/sessions/:id/events as they pass */
  isLive: boolean;
}

export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (
  app,
  { store, liveSessionId },
) => {
  const withLive = (s: SessionSummary): SessionJson => ({ ...s, isLive: s.id === liveSessionId });

  app.get('/', async () => ({ items: store.listSessions().map(withLive) }));

  app.get<{ Params: { id: number } }>('/:id', { schema: { params: sessionParams } }, async (request) => {
    const found = store.listSessions().find((s) => s.id === request.params.id);
    if (!found) {
      throw new VcrError('VCR_SESSION_NOT_FOUND', `no session ${request.params.id} in ${store.path}`, {
        hint: 'GET /api/sessions lists the sessions it holds.',
        statusCode: 404,
      });
    }
    return withLive(found);
  });
};
