// Many official CometD clients (cometd + cometd-nodejs-client) for the benchmark, each counting what it receives.
import { CometD } from 'cometd';
import { adapt } from 'cometd-nodejs-client';

export type BenchTransport = 'long-polling' | 'websocket';

export interface BenchClient {
  transport: BenchTransport;
  /** data messages received on the channel, in arrival order (their `seq`) */
  received: number[];
  /** resolves once `count` messages arrived */
  whenReceived(count: number): Promise<void>;
  disconnect(): Promise<void>;
}

let isAdapted = false;

/**
 * Connects one client on one transport, subscribed to `channel`; resolves when the subscription is acknowledged.
 * `onMessage`, if given, sees each data message as it arrives.
 */
export const connectBenchClient = (
  url: string,
  transport: BenchTransport,
  channel: string,
  onMessage?: (message: { channel: string; data?: unknown }) => void,
): Promise<BenchClient> => {
  if (!isAdapted) {
    adapt();
    isAdapted = true;
  }
  const cometd = new CometD();
  for (const type of cometd.getTransportTypes()) if (type !== transport) cometd.unregisterTransport(type);
  cometd.configure({ url, logLevel: 'warn', maxNetworkDelay: 30_000 });
  const received: number[] = [];
  let waiter: { count: number; resolve: () => void } | null = null;
  return new Promise((resolve, reject) => {
    cometd.handshake((reply) => {
      if (!reply.successful) {
        reject(new Error(`handshake over ${transport} failed: ${JSON.stringify(reply)}`));
        return;
      }
      cometd.subscribe(
        channel,
        (message) => {
          received.push((message.data as { seq: number }).seq);
          onMessage?.(message);
          if (waiter && received.length >= waiter.count) {
            waiter.resolve();
            waiter = null;
          }
        },
        (ack) => {
          if (!ack.successful) {
            reject(new Error(`subscribe over ${transport} failed: ${JSON.stringify(ack)}`));
            return;
          }
          resolve({
            transport,
            received,
            whenReceived: (count) =>
              received.length >= count
                ? Promise.resolve()
                : new Promise<void>((done) => {
                    waiter = { count, resolve: done };
                  }),
            disconnect: () => new Promise<void>((done) => cometd.disconnect(() => done())),
          });
        },
      );
    });
  });
};
