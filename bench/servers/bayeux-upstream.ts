// Bench upstream for notifications: our Bayeux server on both transports, plus `POST /bench/publish?count=N`.
import { createServer } from 'node:http';
import { BayeuxServer } from '../../src/bayeux/index.js';
import { BENCH_CHANNEL } from '../lib/bench-channel.js';
import { serveBayeux } from '../lib/serve-bayeux.js';

const bayeux = new BayeuxServer({ timeoutMs: 10_000 });
let origin = '';
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/bench/publish' && req.method === 'POST') {
    req.resume();
    const count = Number(url.searchParams.get('count') ?? '1');
    let delivered = 0;
    // Call-shaped payloads with absolute URIs, as GWS notifications carry, so rewriting is exercised too.
    for (let seq = 1; seq <= count; seq++) {
      delivered += bayeux.publish(BENCH_CHANNEL, {
        seq,
        messageType: 'CallStateChangeMessage',
        call: { id: `CALL${seq}`, state: 'Established', uri: `${origin}/api/v2/me/calls/CALL${seq}` },
      });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ published: count, delivered }));
    return;
  }
  bayeux.handleRequest(req, res);
});
serveBayeux(server, bayeux, (listeningOrigin) => {
  origin = listeningOrigin;
});
