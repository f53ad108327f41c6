// cometd-nodejs-server on 127.0.0.1 port 0: the foreign Bayeux server the contract suite also runs against.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCometDServer } from 'cometd-nodejs-server';

export interface RunningBayeux {
  /** full Bayeux URL, e.g. http://127.0.0.1:PORT/api/v2/notifications */
  url: string;
  port: number;
  /** publishes from the server side to every subscriber of `channel` */
  publish(channel: string, data: unknown): void;
  close(): Promise<void>;
}

export interface ForeignServerOptions {
  port?: number;
  timeoutMs?: number;
  maxIntervalMs?: number;
}

export const startForeignServer = async (options: ForeignServerOptions = {}): Promise<RunningBayeux> => {
  const cometd = createCometDServer({
    timeout: options.timeoutMs ?? 30_000,
    maxInterval: options.maxIntervalMs ?? 10_000,
    // Every test client shares one cookie jar (cometd-nodejs-client's adapt()), so to this server they
    // are tabs of one browser; allow any number instead of slowing the second one down.
    maxSessionsPerBrowser: -1,
  });
  const http = createServer((req, res) => cometd.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/api/v2/notifications`,
    port,
    publish: (channel, data) => cometd.createServerChannel(channel).publish(null, data),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        cometd.close();
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return closing;
    },
  };
};
