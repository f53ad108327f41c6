// Starters for recorder tests: a recorder on port 0 over a temporary store, plain HTTP upstreams, a small HTTP client.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  request,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type {
  Recorder,
  RecorderEventMap,
  RecorderEventName,
  RecorderOptions,
} from '../../src/proxy/index.js';
import { startRecorder } from '../../src/proxy/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tempDbPath } from './store-rows.js';

export interface TestRecorder {
  recorder: Recorder;
  store: Store;
  dbPath: string;
}

/**
 * A recorder on 127.0.0.1:0 in front of `upstream`, recording into a temporary file (or into `options.store`);
 * when the test ends the recorder is closed, then the store, a store passed in too. Rows are written where the
 * recorder writes them by default, on a worker thread; tests of the writer on the forwarding thread pass
 * `isWriterOffThread: false`.
 */
export const startTestRecorder = async (
  upstream: string,
  options: Partial<Omit<RecorderOptions, 'upstream'>> = {},
): Promise<TestRecorder> => {
  const store = options.store ?? openStore(tempDbPath());
  const dbPath = store.path;
  const recorder = await startRecorder({
    upstream,
    store,
    port: 0,
    batchWindowMs: 5,
    closeGraceMs: 200,
    ...options,
  });
  onTestFinished(async () => {
    await recorder.close();
    store.close();
  });
  return { recorder, store, dbPath };
};

export interface TestUpstream {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** A plain node:http upstream on 127.0.0.1:0; closed (connections too) when the test ends. */
export const startHttpUpstream = async (handler: RequestListener): Promise<TestUpstream> => {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  onTestFinished(close);
  return { url: `http://127.0.0.1:${port}`, server, close };
};

/** An upstream answering every request with its own body, typed `contentType`: what the client sends comes back. */
export const startEchoUpstream = (contentType = 'application/json'): Promise<TestUpstream> =>
  startHttpUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('Content-Type', contentType);
      res.end(Buffer.concat(chunks));
    });
  });

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

/** One request on a fresh connection; resolves with the whole response. */
export const send = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text: body.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });

/** The next event of that name that satisfies the predicate. */
export const nextEvent = <K extends RecorderEventName>(
  recorder: Recorder,
  name: K,
  predicate: (payload: RecorderEventMap[K]) => boolean = () => true,
): Promise<RecorderEventMap[K]> =>
  new Promise((resolve) => {
    const off = recorder.on(name, (payload) => {
      if (!predicate(payload)) return;
      off();
      resolve(payload);
    });
  });

/** Every byte of a database as latin1 text, its WAL and journal included: to search it for what must not be there. */
export const databaseBytes = (dbPath: string): string =>
  ['', '-wal', '-shm', '-journal']
    .map((suffix) => {
      try {
        return readFileSync(dbPath + suffix).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('\n');
