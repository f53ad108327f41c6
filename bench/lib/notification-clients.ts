// The CometD load's clients: many light ones and a few official ones through the recorder, twins straight to the upstream.
import type { Agent } from 'node:http';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { type BenchTransport, connectBenchClient } from './cometd-clients.js';
import { connectLightClient } from './light-bayeux-client.js';
import { type LoadRunReply, loadChannel } from './notification-load.js';
import type { NotificationTally } from './notification-tally.js';

const NOTIFICATIONS_PATH = '/api/v2/notifications';

/** Even clients long-poll, odd ones use WebSocket; a direct twin has the transport of its recorded client. */
export const transportOf = (i: number): BenchTransport => (i % 2 === 0 ? 'long-polling' : 'websocket');

export interface Disconnectable {
  disconnect(): Promise<void>;
  /** light clients count their transport failures */
  errors?: number;
}

const inBatches = async <T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
};

export interface ConnectAllOptions {
  /** clients through the recorder; the last `officialClients` of them are official CometD clients */
  clients: number;
  officialClients: number;
  /** light clients straight to the upstream, twins of recorded clients 0..directClients-1 */
  directClients: number;
  /** handshakes in flight at once */
  connectConcurrency: number;
  urls: { recorder: string; upstream: string };
  tally: NotificationTally;
  /** keep-alive agent of the light long-polling clients */
  agent: Agent;
}

/** Connects every client, each subscribed to its own load channel, reporting to `tally`. */
export const connectAll = async (o: ConnectAllOptions) => {
  const firstOfficial = o.clients - o.officialClients;
  const recorded = await inBatches<Disconnectable>(o.clients, o.connectConcurrency, (i) => {
    const channel = loadChannel('recorded', i);
    const onMessage = (m: BayeuxMessage): void => o.tally.onMessage('recorded', i, m);
    const url = o.urls.recorder + NOTIFICATIONS_PATH;
    return i >= firstOfficial
      ? connectBenchClient(url, transportOf(i), channel, (m) => onMessage(m as BayeuxMessage))
      : connectLightClient({ url, transport: transportOf(i), channel, agent: o.agent, onMessage });
  });
  const direct = await inBatches<Disconnectable>(o.directClients, o.connectConcurrency, (i) =>
    connectLightClient({
      url: o.urls.upstream + NOTIFICATIONS_PATH,
      transport: transportOf(i),
      channel: loadChannel('direct', i),
      agent: o.agent,
      onMessage: (m) => o.tally.onMessage('direct', i, m),
    }),
  );
  return { recorded, direct };
};

/** Asks the notification upstream for an open-loop run; resolves once it queued the last notification. */
export const runLoad = async (
  upstreamUrl: string,
  ratePerSecond: number,
  durationMs: number,
): Promise<LoadRunReply> => {
  const reply = await fetch(
    `${upstreamUrl}/bench/run?ratePerSecond=${ratePerSecond}&durationMs=${durationMs}`,
    { method: 'POST' },
  );
  return (await reply.json()) as LoadRunReply;
};
