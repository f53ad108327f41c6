// Our BayeuxServer mounted on a bare node:http server on 127.0.0.1, as the simulator and replay mount it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BayeuxServer, type BayeuxServerOptions } from '../../src/bayeux/index.js';
import type { RunningBayeux } from './foreign-server.js';

export interface RunningOurBayeux extends RunningBayeux {
  bayeux: BayeuxServer;
}

export const startBayeuxServer = async (
  options: BayeuxServerOptions & { port?: number } = {},
): Promise<RunningOurBayeux> => {
  const { port: wantedPort, ...serverOptions } = options;
  const bayeux = new BayeuxServer(serverOptions);
  const http = createServer((req, res) => {
    // Everything goes to the Bayeux server, which answers 404 outside its path itself.
    bayeux.handleRequest(req, res);
  });
  http.on('upgrade', (req, socket, head) => {
    bayeux.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(wantedPort ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}${serverOptions.path ?? '/api/v2/notifications'}`,
    port,
    bayeux,
    publish: (channel, data) => {
      bayeux.publish(channel, data);
    },
    close: () => {
      closing ??= (async () => {
        await bayeux.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })();
      return closing;
    },
  };
};
