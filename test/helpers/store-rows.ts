// Factories for store rows, as written (New*) and as read back (*Row), and temporary recording files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type {
  BayeuxRow,
  Exchange,
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  NewSession,
  Session,
  Store,
  StoreOptions,
} from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';

/** A fresh temp folder, removed when the current test finishes. */
export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gws-vcr-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A path for a database file that does not exist yet, in a temp folder removed after the test. */
export const tempDbPath = (name = 'rec.sqlite'): string => join(tempDir(), name);

/** Opens a store on a new temp file; closed (before the folder is removed) when the test finishes. */
export const openTempStore = (options: StoreOptions = {}, path = tempDbPath()): Store => {
  const store = openStore(path, options);
  onTestFinished(() => store.close());
  return store;
};

/** A session to create; recorded against 127.0.0.1:8080 from 127.0.0.1:8090. */
export const makeSession = (
  over: Partial<NewSession> = {},
): NewSession & Pick<Session, 'rewriteOrigins'> => ({
  name: 'test',
  upstream: 'http://127.0.0.1:8080',
  source: 'record',
  listenOrigin: 'http://127.0.0.1:8090',
  originWallMs: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
  notificationsPath: '/api/v2/notifications',
  ...over,
  rewriteOrigins: over.rewriteOrigins ?? [],
});

/** A REST exchange to write; by default `GET /api/v2/me` answered `{"statusCode":0}`, byte counts from the bodies. */
export const makeExchange = (over: Partial<NewExchange> & Pick<NewExchange, 'id'>): NewExchange => {
  const requestBody = over.requestBody ?? null;
  const responseBody = over.responseBody === undefined ? Buffer.from('{"statusCode":0}') : over.responseBody;
  return {
    kind: 'http',
    method: 'GET',
    path: '/api/v2/me',
    query: '',
    requestHeaders: [['host', '127.0.0.1:8090']],
    requestBody,
    requestBodyBytes: requestBody?.length ?? 0,
    status: 200,
    responseHeaders: [['content-type', 'application/json']],
    responseBody,
    responseBodyBytes: responseBody?.length ?? 0,
    startMs: over.id,
    firstByteMs: over.id + 0.5,
    endMs: over.id + 0.75,
    error: null,
    flags: [],
    ...over,
  };
};

/** A Bayeux message to write; by default a CallStateChangeMessage to the client over long-polling at `id` ms. */
export const makeMessage = (over: Partial<NewBayeuxRow> & Pick<NewBayeuxRow, 'id'>): NewBayeuxRow => ({
  exchangeId: null,
  direction: 'to-client',
  transport: 'long-polling',
  channel: '/v2/me/calls',
  clientId: 'client-1',
  messageId: null,
  successful: null,
  atMs: over.id,
  message: { channel: over.channel ?? '/v2/me/calls', data: { messageType: 'CallStateChangeMessage' } },
  ...over,
});

export const makeFrame = (
  over: Partial<NewFrameRow> & Pick<NewFrameRow, 'id' | 'exchangeId'>,
): NewFrameRow => ({
  direction: 'to-server',
  opcode: 'text',
  atMs: over.id,
  payload: Buffer.from('[{"channel":"/meta/connect"}]'),
  payloadBytes: 29,
  flags: [],
  ...over,
});

/** Everything of a stored session's rows but the session id, for comparing two sessions. */
export const rowsOf = (store: Store, sessionId: number) => ({
  exchanges: store.exchanges(sessionId).map(({ sessionId: _, ...e }) => e),
  frames: store.frames(sessionId).map(({ sessionId: _, ...f }) => f),
  messages: store.messages(sessionId).map(({ sessionId: _, ...m }) => m),
});

/** A session as the store reads it back: id 1, one minute long. */
export const sessionRow = (over: Partial<Session> = {}): Session => {
  const session = makeSession();
  return {
    id: 1,
    ...session,
    startedAt: new Date(session.originWallMs).toISOString(),
    endedAt: new Date(session.originWallMs + 60_000).toISOString(),
    ...over,
  };
};

/** An exchange as the store reads it back, in session 1. */
export const exchangeRow = (over: Partial<Exchange> & Pick<Exchange, 'id'>): Exchange => ({
  sessionId: 1,
  ...makeExchange(over),
});

/** A Bayeux row as the store reads it back, in session 1. */
export const messageRow = (over: Partial<BayeuxRow> & Pick<BayeuxRow, 'id'>): BayeuxRow => ({
  sessionId: 1,
  ...makeMessage(over),
});
