// GET /api/sessions/:id/messages, /exchanges (and one exchange) and /frames: the recorded rows, filtered and paginated.
import type { FastifyPluginAsync } from 'fastify';
import { definedOnly } from '../common/defined-only.js';
import { VcrError } from '../common/errors.js';
import type { ExchangeFilter, FrameFilter, MessageFilter, Store } from '../store/index.js';
import {
  exchangeQuery,
  MAX_ROW_NUMBER,
  messageQuery,
  type PageQuery,
  pageProperties,
  requireSession,
  sessionParams,
  type WindowQuery,
  windowProperties,
} from './query-schemas.js';
import { exchangeJson, frameJson } from './row-json.js';

export interface RowRoutesOptions {
  store: Store;
}

type MessageQuery = PageQuery & WindowQuery & Omit<MessageFilter, 'offset' | 'limit'>;
type ExchangeQuery = PageQuery & WindowQuery & Omit<ExchangeFilter, 'offset' | 'limit'>;
type FrameQuery = PageQuery & WindowQuery & Omit<FrameFilter, 'offset' | 'limit'>;

const frameQuery = {
  type: 'object',
  properties: {
    ...windowProperties,
    ...pageProperties,
    direction: { type: 'string', enum: ['to-server', 'to-client'] },
    exchangeId: { type: 'integer', minimum: 1, maximum: MAX_ROW_NUMBER },
    opcode: { type: 'string', enum: ['text', 'binary', 'ping', 'pong', 'close'] },
    text: { type: 'string', maxLength: 1000 },
  },
} as const;

/** Pulls the filter fields out of a validated query; `token` and unknown keys stay behind. */
const messageFilter = (q: MessageQuery): MessageFilter =>
  definedOnly({
    fromMs: q.fromMs,
    toMs: q.toMs,
    channel: q.channel,
    direction: q.direction,
    transport: q.transport,
    clientId: q.clientId,
    exchangeId: q.exchangeId,
    text: q.text,
  });

const exchangeFilter = (q: ExchangeQuery): ExchangeFilter =>
  definedOnly({ fromMs: q.fromMs, toMs: q.toMs, kind: q.kind, method: q.method, path: q.path, text: q.text });

const frameFilter = (q: FrameQuery): FrameFilter =>
  definedOnly({
    fromMs: q.fromMs,
    toMs: q.toMs,
    direction: q.direction,
    exchangeId: q.exchangeId,
    opcode: q.opcode,
    text: q.text,
  });

export const rowRoutes: FastifyPluginAsync<RowRoutesOptions> = async (app, { store }) => {
  app.get<{ Params: { id: number }; Querystring: MessageQuery }>(
    '/:id/messages',
    { schema: { params: sessionParams, querystring: messageQuery } },
    async (request) => {
      const { id } = requireSession(store, request.params.id);
      const { offset, limit } = request.query;
      const filter = messageFilter(request.query);
      return {
        total: store.countMessages(id, filter),
        offset,
        limit,
        items: store.messages(id, { ...filter, offset, limit }),
      };
    },
  );

  app.get<{ Params: { id: number }; Querystring: ExchangeQuery }>(
    '/:id/exchanges',
    { schema: { params: sessionParams, querystring: exchangeQuery } },
    async (request) => {
      const { id } = requireSession(store, request.params.id);
      const { offset, limit } = request.query;
      const filter = exchangeFilter(request.query);
      return {
        total: store.countExchanges(id, filter),
        offset,
        limit,
        items: store.exchanges(id, { ...filter, offset, limit }).map((e) => exchangeJson(e, id)),
      };
    },
  );

  app.get<{ Params: { id: number; exchangeId: number } }>(
    '/:id/exchanges/:exchangeId',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id', 'exchangeId'],
          properties: {
            id: { type: 'integer', minimum: 1, maximum: MAX_ROW_NUMBER },
            exchangeId: { type: 'integer', minimum: 1, maximum: MAX_ROW_NUMBER },
          },
        },
      },
    },
    async (request) => {
      const { id } = requireSession(store, request.params.id);
      const exchange = store.exchange(id, request.params.exchangeId);
      if (!exchange) {
        throw new VcrError(
          'VCR_DASHBOARD_NOT_FOUND',
          `session ${id} has no exchange ${request.params.exchangeId}`,
          { statusCode: 404 },
        );
      }
      return exchangeJson(exchange, id);
    },
  );

  app.get<{ Params: { id: number }; Querystring: FrameQuery }>(
    '/:id/frames',
    { schema: { params: sessionParams, querystring: frameQuery } },
    async (request) => {
      const { id } = requireSession(store, request.params.id);
      const { offset, limit } = request.query;
      const filter = frameFilter(request.query);
      return {
        total: store.countFrames(id, filter),
        offset,
        limit,
        items: store.frames(id, { ...filter, offset, limit }).map((f) => frameJson(f, id)),
      };
    },
  );
};
