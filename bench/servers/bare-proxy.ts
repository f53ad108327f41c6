// Bench baseline: bare http-proxy with a keep-alive agent, nothing recorded: `bare-proxy.ts UPSTREAM_URL`.
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';

const target = process.argv[2];
if (!target) throw new Error('usage: bare-proxy.ts UPSTREAM_URL');
const agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
const proxy = httpProxy.createProxyServer({ target, agent, changeOrigin: true });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});
const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  agent.destroy();
});
