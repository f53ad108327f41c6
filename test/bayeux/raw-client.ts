// Minimal Bayeux clients for what the official one will not do: bad input, exact frames, thousands of sessions.
import { once } from 'node:events';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import type { BayeuxMessage } from '../../src/bayeux/index.js';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** the body as JSON, or undefined when it is not JSON */
  json: unknown;
}

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** One HTTP request on a fresh connection (no keep-alive, so nothing lingers after a test). */
export const rawRequest = (
  url: string,
  options: {
    /** the request target exactly as sent, instead of `url`'s (a URL would resolve `..` and read `\` as `/`) */
    path?: string;
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...(options.path === undefined ? {} : { path: options.path }),
        method: options.method ?? 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...options.headers },
        signal: options.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text,
            json: tryJson(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

/** POSTs messages and returns the reply messages (throws if the answer is not a JSON array). */
export const postMessages = async (url: string, messages: BayeuxMessage[]): Promise<BayeuxMessage[]> => {
  const res = await rawRequest(url, { body: JSON.stringify(messages) });
  if (!Array.isArray(res.json)) throw new Error(`expected a JSON array, got ${res.status} ${res.text}`);
  return res.json as BayeuxMessage[];
};

export const handshakeMessage = (transport = 'long-polling'): BayeuxMessage => ({
  channel: '/meta/handshake',
  id: '1',
  version: '1.0',
  supportedConnectionTypes: [transport],
});

/** Handshakes over long-polling and returns the clientId. */
export const rawHandshake = async (url: string): Promise<string> => {
  const [reply] = await postMessages(url, [handshakeMessage()]);
  if (reply?.successful !== true || typeof reply.clientId !== 'string') {
    throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
  }
  return reply.clientId;
};

/** A WebSocket that queues every frame it receives, parsed. */
export class RawSocket {
  private readonly frames: unknown[][] = [];
  private readonly waiters: ((frame: unknown[]) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = tryJson(String(data));
      const frame = Array.isArray(parsed) ? parsed : [parsed];
      const waiter = this.waiters.shift();
      if (waiter === undefined) this.frames.push(frame);
      else waiter(frame);
    });
  }

  static async open(httpUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(httpUrl.replace(/^http/, 'ws'));
    await once(ws, 'open');
    return new RawSocket(ws);
  }

  send(payload: BayeuxMessage[] | string | Buffer): void {
    this.ws.send(typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload));
  }

  /** the next frame received, as an array of messages */
  next(): Promise<BayeuxMessage[]> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame as BayeuxMessage[]);
    return new Promise((resolve) => this.waiters.push((f) => resolve(f as BayeuxMessage[])));
  }

  /** frames until one holds a message on `channel`; returns every message seen up to and including it */
  async until(channel: string): Promise<BayeuxMessage[]> {
    const seen: BayeuxMessage[] = [];
    for (;;) {
      const frame = await this.next();
      seen.push(...frame);
      if (frame.some((m) => m.channel === channel)) return seen;
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}
