// Bench floor: a TCP byte relay, one upstream connection per client connection, no HTTP parsed: what any proxy
// process adds at least on this machine (two more socket hops, one more process to wake). `tcp-relay.ts UPSTREAM_URL`.
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';

const target = process.argv[2];
if (!target) throw new Error('usage: tcp-relay.ts UPSTREAM_URL');
const { hostname, port } = new URL(target);
const sockets = new Set<Socket>();
const server = createServer((client) => {
  const upstream = createConnection({ host: hostname, port: Number(port), noDelay: true });
  client.setNoDelay(true);
  const end = (): void => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
  };
  sockets.add(client);
  client.pipe(upstream);
  upstream.pipe(client);
  for (const socket of [client, upstream]) {
    socket.on('error', end);
    socket.on('close', end);
  }
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
});
