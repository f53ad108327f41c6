// GET /api/sessions/:id/events: Server-Sent Events carrying the rows of the session being recorded, batched.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../common/logger.js';
import type { BayeuxRow, Store } from '../store/index.js';
import { requireSession, sessionParams } from './query-schemas.js';
import { exchangeJson, type FrameJson, frameJson } from './row-json.js';
import { SECURITY_HEADERS } from './security.js';
import type { ExchangeJson, LiveEventMap, LiveSource } from './types.js';

export interface LiveRoutesOptions {
  store: Store;
  live?: LiveSource | undefined;
  /** rows are gathered this long and sent as one event */
  flushMs: number;
  /** idle streams get a comment line this often */
  heartbeatMs: number;
  logger: Logger;
}

/** One `rows` event: whatever passed since the last one, each list in the order it passed. */
export interface LiveBatch {
  exchanges: ExchangeJson[];
  messages: BayeuxRow[];
  frames: FrameJson[];
}

const emptyBatch = (): LiveBatch => ({ exchanges: [], messages: [], frames: [] });

/**
 * Answers 204 for a session that is not being recorded here (EventSource then stops retrying and the page polls
 * instead). For the live one, holds the response open and writes `event: rows` with a LiveBatch as JSON; rows are
 * sent only while someone listens, so an unwatched recorder keeps nothing.
 */
export const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (app, options) => {
  const { store, live, logger } = options;
  const streams = new Set<ServerResponse>();
  let batch = emptyBatch();
  let flushTimer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const writeAll = (chunk: string): void => {
    for (const res of streams) {
      if (!res.writableEnded) res.write(chunk);
    }
  };

  const flush = (): void => {
    flushTimer = null;
    const sending = batch;
    batch = emptyBatch();
    if (sending.exchanges.length + sending.messages.length + sending.frames.length === 0) return;
    writeAll(`event: rows\ndata: ${JSON.stringify(sending)}\n\n`);
  };

  const queue = (add: (b: LiveBatch) => void): void => {
    if (streams.size === 0 || !live) return;
    add(batch);
    flushTimer ??= setTimeout(flush, options.flushMs);
  };

  const listeners: { [K in keyof LiveEventMap]: (payload: LiveEventMap[K]) => void } = {
    exchange: (e) => queue((b) => b.exchanges.push(exchangeJson(e, live?.sessionId ?? 0))),
    'bayeux-message': (m) => queue((b) => b.messages.push({ ...m, sessionId: live?.sessionId ?? 0 })),
    frame: (f) => queue((b) => b.frames.push(frameJson(f, live?.sessionId ?? 0))),
  };

  if (live) {
    live.events.on('exchange', listeners.exchange);
    live.events.on('bayeux-message', listeners['bayeux-message']);
    live.events.on('frame', listeners.frame);
  }

  const stopStream = (res: ServerResponse): void => {
    streams.delete(res);
    if (!res.writableEnded) res.end();
    if (streams.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };

  app.get<{ Params: { id: number } }>(
    '/:id/events',
    { schema: { params: sessionParams } },
    async (request, reply) => {
      const { id } = requireSession(store, request.params.id);
      if (!live || live.sessionId !== id) return reply.code(204).send();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // one stream per connection: when the stream ends, so does the connection, and close() need not wait
        // for a keep-alive timeout
        connection: 'close',
      });
      // retry: how long EventSource waits before reconnecting after the recorder restarts
      res.write('retry: 2000\n\nevent: hello\ndata: {}\n\n');
      streams.add(res);
      heartbeat ??= setInterval(() => writeAll(': keep-alive\n\n'), options.heartbeatMs);
      request.raw.on('close', () => stopStream(res));
      res.on('error', (err) => {
        logger.debug({ err }, 'live event stream failed; dropped');
        stopStream(res);
      });
    },
  );

  // preClose: before the server stops accepting, so held streams do not keep close() waiting
  app.addHook('preClose', async () => {
    if (live) {
      live.events.off('exchange', listeners.exchange);
      live.events.off('bayeux-message', listeners['bayeux-message']);
      live.events.off('frame', listeners.frame);
    }
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    for (const res of [...streams]) {
      stopStream(res);
      res.destroy(); // the stream is over; do not wait for the client to hang up
    }
  });
};
