// GET /api/sessions and /api/sessions/:id: what the recording holds, with counts, and which session is live.
import type { FastifyPluginAsync } from 'fastify';
import type { SessionSummary, Store } from '../store/index.js';
import { sessionNotFound, sessionParams } from './query-schemas.js';

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
    if (!found) throw sessionNotFound(store, request.params.id);
    return withLive(found);
  });
};
