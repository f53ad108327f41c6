// JSON schemas of the API's path and query parameters: fastify validates and coerces them before a handler runs.
import { VcrError } from '../common/errors.js';
import type { Session, Store } from '../store/index.js';

export const PAGE_DEFAULTS = {
  limit: 100,
  /** the most rows one request may ask for; a timeline window asks for this many at most */
  maxLimit: 5000,
};

const text = { type: 'string', maxLength: 1000 } as const;

/** SQLite binds integers as 64-bit; past 2^53 a JS number is no longer an exact integer and binds as a real. */
export const MAX_ROW_NUMBER = Number.MAX_SAFE_INTEGER;

export const windowProperties = {
  /** inclusive, ms since the session's origin */
  fromMs: { type: 'number' },
  toMs: { type: 'number' },
} as const;

export const pageProperties = {
  offset: { type: 'integer', minimum: 0, maximum: MAX_ROW_NUMBER, default: 0 },
  limit: { type: 'integer', minimum: 0, maximum: PAGE_DEFAULTS.maxLimit, default: PAGE_DEFAULTS.limit },
} as const;

export const sessionParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ROW_NUMBER } },
} as const;

export const messageQuery = {
  type: 'object',
  properties: {
    ...windowProperties,
    ...pageProperties,
    /** exact, or a Bayeux wildcard ("/v2/me/*", "/v2/**") */
    channel: text,
    direction: { type: 'string', enum: ['to-server', 'to-client'] },
    transport: { type: 'string', enum: ['long-polling', 'websocket'] },
    clientId: text,
    exchangeId: { type: 'integer', minimum: 1, maximum: MAX_ROW_NUMBER },
    /** case-insensitive substring of the message JSON */
    text,
  },
} as const;

export const exchangeQuery = {
  type: 'object',
  properties: {
    ...windowProperties,
    ...pageProperties,
    kind: { type: 'string', enum: ['http', 'bayeux', 'websocket'] },
    method: { type: 'string', maxLength: 20 },
    path: text,
    /** case-insensitive substring of the path or query */
    text,
  },
} as const;

export const analysisQuery = {
  type: 'object',
  properties: {
    ...windowProperties,
    ...pageProperties,
    /** a call id: that call and its consults */
    call: text,
    /** an operationName, e.g. "CompleteTransfer" */
    operation: text,
    /** calls only: 'brief' leaves out states, capabilities and userData (for pickers and window sizing) */
    view: { type: 'string', enum: ['full', 'brief'], default: 'full' },
  },
} as const;

export interface PageQuery {
  offset: number;
  limit: number;
}

export interface WindowQuery {
  fromMs?: number;
  toMs?: number;
}

/** The 404 for a session the recording does not hold, saying where to find the ones it does. */
export const sessionNotFound = (store: Store, id: number): VcrError =>
  new VcrError('VCR_SESSION_NOT_FOUND', `no session ${id} in ${store.path}`, {
    hint: 'GET /api/sessions lists the sessions it holds.',
    statusCode: 404,
  });

/** The session, or a 404 that says which sessions exist. */
export const requireSession = (store: Store, id: number): Session => {
  const session = store.getSession(id);
  if (session) return session;
  throw sessionNotFound(store, id);
};
