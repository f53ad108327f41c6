// Runs a bench upstream with our Bayeux server in its own process: listens, prints its URL, stops on SIGTERM.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BayeuxServer } from '../../src/bayeux/index.js';

/**
 * Hands websocket upgrades to `bayeux`, listens on a free port of 127.0.0.1, calls `onListening` with the origin,
 * then prints the `listening on ORIGIN` line `startChild` waits for. SIGTERM closes Bayeux, then the server, then exits.
 */
export const serveBayeux = (
  server: Server,
  bayeux: BayeuxServer,
  onListening: (origin: string) => void,
): void => {
  server.on('upgrade', (req, socket, head) => bayeux.handleUpgrade(req, socket, head));
  server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    onListening(origin);
    process.stdout.write(`listening on ${origin}\n`);
  });
  process.on('SIGTERM', () => {
    void bayeux.close().then(() => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  });
};
