// A light Bayeux client for load (thousands per process): handshake, one subscription, the connect loop, disconnect.
import { once } from 'node:events';
import { type Agent, request } from 'node:http';
import { WebSocket } from 'ws';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import type { BenchTransport } from './cometd-clients.js';

export interface LightClient {
  transport: BenchTransport;
  /** transport failures and unsuccessful replies seen after the subscription (each one may have lost messages) */
  errors: number;
  /** sends /meta/disconnect and closes; resolves once done */
  disconnect(): Promise<void>;
}

export interface LightClientOptions {
  /** the Bayeux endpoint, e.g. `http://127.0.0.1:8090/api/v2/notifications` */
  url: string;
  transport: BenchTransport;
  channel: string;
  /** called with every message on `channel`, as it arrives */
  onMessage(message: BayeuxMessage): void;
  /** long-polling only: keep-alive agent shared by many clients */
  agent?: Agent;
}

/** Over long-polling: POSTs a batch and resolves with the reply batch (rejects on anything but a JSON array). */
const post = (url: string, agent: Agent | undefined, messages: BayeuxMessage[]): Promise<BayeuxMessage[]> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json;charset=UTF-8' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (Array.isArray(parsed)) resolve(parsed as BayeuxMessage[]);
            else reject(new Error(`${res.statusCode}: not a JSON array`));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(messages));
  });

const handshake = (transport: BenchTransport): BayeuxMessage => ({
  channel: '/meta/handshake',
  id: '1',
  version: '1.0',
  minimumVersion: '1.0',
  supportedConnectionTypes: [transport],
  advice: { timeout: 60_000, interval: 0 },
});

const replyTo = (messages: BayeuxMessage[], channel: string): BayeuxMessage | undefined =>
  messages.find((m) => m.channel === channel && m.successful !== undefined);

const mustSucceed = (reply: BayeuxMessage | undefined, what: string): BayeuxMessage => {
  if (reply?.successful !== true) throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
  return reply;
};

/** Connects one client, subscribed to `channel`; resolves once the subscription is acknowledged. */
export const connectLightClient = (options: LightClientOptions): Promise<LightClient> =>
  options.transport === 'websocket' ? connectWebSocket(options) : connectLongPolling(options);

const connectLongPolling = async (options: LightClientOptions): Promise<LightClient> => {
  const { url, agent, channel, onMessage } = options;
  let nextId = 2;
  const hs = mustSucceed(
    replyTo(await post(url, agent, [handshake('long-polling')]), '/meta/handshake'),
    'handshake',
  );
  const clientId = String(hs.clientId);
  const sub = await post(url, agent, [
    { channel: '/meta/subscribe', id: String(nextId++), clientId, subscription: channel },
  ]);
  mustSucceed(replyTo(sub, '/meta/subscribe'), `subscribe to ${channel}`);
  const client: LightClient = { transport: 'long-polling', errors: 0, disconnect: async () => {} };
  let isStopping = false;
  const loop = async (): Promise<void> => {
    let isFirst = true;
    while (!isStopping) {
      const connect: BayeuxMessage = {
        channel: '/meta/connect',
        id: String(nextId++),
        clientId,
        connectionType: 'long-polling',
        ...(isFirst ? { advice: { timeout: 0 } } : {}),
      };
      isFirst = false;
      try {
        const replies = await post(`${url}/connect`, agent, [connect]);
        for (const m of replies) if (m.channel === channel) onMessage(m);
        const reply = replyTo(replies, '/meta/connect');
        if (reply?.successful !== true) {
          client.errors += 1;
          return;
        }
      } catch {
        client.errors += 1;
        return;
      }
    }
  };
  const looping = loop();
  client.disconnect = async () => {
    isStopping = true;
    // The disconnect answers the held connect too, so the loop ends.
    await post(`${url}/disconnect`, agent, [
      { channel: '/meta/disconnect', id: String(nextId++), clientId },
    ]).catch(() => {
      client.errors += 1;
    });
    await looping;
  };
  return client;
};

const connectWebSocket = async (options: LightClientOptions): Promise<LightClient> => {
  const { channel, onMessage } = options;
  const ws = new WebSocket(options.url.replace(/^http/, 'ws'), { perMessageDeflate: false });
  await once(ws, 'open');
  let nextId = 2;
  let clientId = '';
  const client: LightClient = { transport: 'websocket', errors: 0, disconnect: async () => {} };
  let isStopping = false;
  let pending: { channel: string; resolve: (m: BayeuxMessage) => void } | null = null;
  const sendConnect = (isFirst: boolean): void => {
    ws.send(
      JSON.stringify([
        {
          channel: '/meta/connect',
          id: String(nextId++),
          clientId,
          connectionType: 'websocket',
          ...(isFirst ? { advice: { timeout: 0 } } : {}),
        },
      ]),
    );
  };
  ws.on('message', (raw) => {
    let frame: unknown;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      client.errors += 1;
      return;
    }
    for (const m of (Array.isArray(frame) ? frame : [frame]) as BayeuxMessage[]) {
      if (m.channel === channel) onMessage(m);
      else if (pending !== null && m.channel === pending.channel) {
        const waiter = pending;
        pending = null;
        waiter.resolve(m);
      } else if (m.channel === '/meta/connect') {
        if (m.successful !== true) client.errors += 1;
        else if (!isStopping) sendConnect(false);
      }
    }
  });
  ws.on('error', () => {
    client.errors += 1;
  });
  const call = (message: BayeuxMessage): Promise<BayeuxMessage> =>
    new Promise((resolve) => {
      pending = { channel: message.channel, resolve };
      ws.send(JSON.stringify([message]));
    });
  const hs = mustSucceed(await call(handshake('websocket')), 'handshake');
  clientId = String(hs.clientId);
  mustSucceed(
    await call({ channel: '/meta/subscribe', id: String(nextId++), clientId, subscription: channel }),
    `subscribe to ${channel}`,
  );
  sendConnect(true);
  client.disconnect = async () => {
    isStopping = true;
    const closed = once(ws, 'close');
    // The server may close the socket right after its reply, or before it.
    await Promise.race([call({ channel: '/meta/disconnect', id: String(nextId++), clientId }), closed]);
    ws.close();
    await closed;
  };
  return client;
};
