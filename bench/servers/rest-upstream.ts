// Bench upstream: a plain node:http server answering every request with a small GWS-shaped JSON body.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    // A URI of the upstream's own origin, as GWS answers carry, so the recorder's rewriting is exercised.
    const body = JSON.stringify({
      statusCode: 0,
      user: {
        id: '63630bbebf4840d7a0bffd6312bc29ff',
        userName: 'agent5005',
        roles: ['ROLE_AGENT'],
        uri: `${origin}/api/v2/users/63630bbebf4840d7a0bffd6312bc29ff`,
        path: '/users/63630bbebf4840d7a0bffd6312bc29ff',
      },
    });
    res.writeHead(200, {
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
let origin = '';
server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`listening on ${origin}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
