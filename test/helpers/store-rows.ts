// Factories for store rows and temporary recording files, for any test that needs a filled database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type {
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  NewSession,
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

export const makeSession = (over: Partial<NewSession> = {}): NewSession => ({
  name: 'test',
  upstream: 'http://127.0.0.1:8080',
  source: 'record',
  listenOrigin: 'http://127.0.0.1:8090',
  originWallMs: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
  notificationsPath: '/api/v2/notifications',
  ...over,
});

export const makeExchange = (over: Partial<NewExchange> & Pick<NewExchange, 'id'>): NewExchange => ({
  kind: 'http',
  method: 'GET',
  path: '/api/v2/me',
  query: '',
  requestHeaders: [['host', '127.0.0.1:8090']],
  requestBody: null,
  requestBodyBytes: 0,
  status: 200,
  responseHeaders: [['content-type', 'application/json']],
  responseBody: Buffer.from('{"statusCode":0}'),
  responseBodyBytes: 16,
  startMs: over.id,
  firstByteMs: over.id + 0.5,
  endMs: over.id + 0.75,
  error: null,
  flags: [],
  ...over,
});

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
