// Which part of the replay server answers a path: the Bayeux server or the recording's REST answers.
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { underPath } from '../../src/common/under-path.js';
import { requestLine } from '../../src/proxy/captured-parts.js';
import { startReplayServer } from '../../src/replay/index.js';
import { handshakeMessage, rawRequest } from '../bayeux/raw-client.js';
import { storedTransferSource } from '../helpers/replay-rows.js';

const NOTIFICATIONS = '/api/v2/notifications';

/** What the recorder stored a request to `target` as: a Bayeux exchange or a REST one (recorder.ts, forward-http.ts). */
const recordedAsBayeux = (target: string): boolean =>
  underPath(NOTIFICATIONS)(requestLine({ url: target, rawHeaders: [] } as unknown as IncomingMessage).path);

type Answerer = 'bayeux' | 'rest' | 'bayeux refused the path';

/**
 * POSTs a handshake to `target` exactly as written (fetch and a URL string would resolve `..` first) and says
 * who answered: a handshake reply comes from Bayeux, VCR_REPLAY_NO_MATCH from the recording's REST answers.
 */
const answererOf = async (origin: string, target: string): Promise<Answerer | string> => {
  const res = await rawRequest(origin, { path: target, body: JSON.stringify([handshakeMessage()]) });
  if (res.text.includes('"channel":"/meta/handshake"')) return 'bayeux';
  if (res.text.includes('VCR_REPLAY_NO_MATCH')) return 'rest';
  if (res.text.includes('VCR_BAYEUX_BAD_REQUEST')) return 'bayeux refused the path';
  return `${res.status} ${res.text}`;
};

/** Asks for a WebSocket upgrade on `target` as written: 101, the status of a refusal, or 'closed'. */
const upgradeOf = (origin: string, target: string): Promise<number | 'closed'> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(origin);
    const req = request({
      hostname,
      port,
      path: target,
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });

// Paths where parsing the target as a URL (dot segments resolved, `\` read as `/`, `//` as an authority)
// and reading it as sent (the recorder's way) disagree, and some where they agree.
const TARGETS = [
  '/api/v2/notifications',
  '/api/v2/notifications/handshake',
  '/api/v2/notifications?jsonp=x',
  '/api/v2/notifications/../me',
  '/api/v2/notifications/%2e%2e/me',
  '/api/v2/notifications/..',
  '/api/v2/notifications/./handshake',
  '/api/v2/notifications//handshake',
  '/api/v2/me/../notifications',
  '/api/v2/./notifications/handshake',
  '//api/v2/notifications',
  '/api//v2/notifications',
  '/api/v2/%6Eotifications',
  '/api/v2/notifications%2Fhandshake',
  '/api/v2/notifications\\handshake',
  '/api/v2/notificationsx',
  '/api/v2/me?next=/api/v2/notifications',
];

const startReplay = async () => {
  const replay = await startReplayServer({ source: storedTransferSource(), port: 0 });
  onTestFinished(() => replay.close());
  return replay;
};

describe('replay server paths', () => {
  it.each(TARGETS)('serves %s as the recorder recorded it, Bayeux or REST', async (target) => {
    const replay = await startReplay();
    expect(await answererOf(replay.url, target)).toBe(recordedAsBayeux(target) ? 'bayeux' : 'rest');
  });

  it.each(TARGETS)('takes a WebSocket upgrade on %s only where the recorder saw Bayeux', async (target) => {
    const replay = await startReplay();
    expect(await upgradeOf(replay.url, target)).toBe(recordedAsBayeux(target) ? 101 : 'closed');
  });

  it('never lets the Bayeux server refuse a path the replay handed it, for any path', async () => {
    const replay = await startReplay();
    const segment = fc.constantFrom(
      'api',
      'v2',
      'notifications',
      'handshake',
      'me',
      '',
      '.',
      '..',
      '%2e',
      '%2E%2E',
      '.%2e',
      '%2F',
      'notifications%2F..',
      '\\',
      'x?y=/..',
    );
    const target = fc
      .tuple(fc.constantFrom('/', '/api/v2/', `${NOTIFICATIONS}/`), fc.array(segment, { maxLength: 5 }))
      .map(([start, segments]) => start + segments.join('/'));
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        expect(await answererOf(replay.url, t)).toBe(recordedAsBayeux(t) ? 'bayeux' : 'rest');
      }),
      { numRuns: 150 },
    );
  });
});
