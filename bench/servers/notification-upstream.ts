// Bench upstream for the CometD load: our Bayeux server, one channel per client, notifications paced by `POST /bench/run`.
import { createServer } from 'node:http';
import { BayeuxServer } from '../../src/bayeux/index.js';
import {
  LOAD_CHANNEL_PREFIX,
  type LoadGroup,
  type LoadRunReply,
  loadChannel,
  parseLoadChannel,
  wallNowMs,
} from '../lib/notification-load.js';
import { serveBayeux } from '../lib/serve-bayeux.js';

// Long holds, and sessions that survive a client busy for seconds, so the bench measures load, not reconnects.
const bayeux = new BayeuxServer({ timeoutMs: 20_000, maxIntervalMs: 60_000 });
/** session id of each load channel's subscriber */
const subscribers = new Map<string, string>();
const seqs = new Map<string, number>();
let origin = '';

bayeux.on('subscribe', (session, channel) => {
  if (channel.startsWith(`${LOAD_CHANNEL_PREFIX}/`)) subscribers.set(channel, session.id);
});

/** A call notification as GWS sends it (seed shape, ~1 KB), with absolute URIs the recorder rewrites. */
const callData = (seq: number, sentAtMs: number) => {
  const id = `01RCC3N118B1V0SL8O7GK2LA${String(seq).padStart(8, '0')}`;
  return {
    seq,
    sentAtMs,
    notificationType: 'StatusChange',
    call: {
      id,
      state: seq % 2 ? 'Established' : 'Released',
      callUuid: id,
      connId: '0071027198180016',
      deviceUri: `${origin}/api/v2/devices/631608b3-ceb1-472b-ba05-2ae39555b0d1`,
      participants: [
        { e164Number: '', formattedPhoneNumber: '15001', phoneNumber: '15001', digits: '15001' },
      ],
      dnis: '15001',
      callType: 'Internal',
      capabilities: ['HangupCall', 'HoldCall', 'InitiateTransfer', 'InitiateConference', 'SendDTMF'],
      duration: '28',
      mute: 'Off',
      supervisorListeningIn: false,
      monitoredUserMuted: false,
      monitoring: false,
      uri: `${origin}/api/v2/me/calls/${id}`,
      path: `/calls/${id}`,
    },
    phoneNumber: '15000',
    extensions: { BusinessCall: 0 },
    messageType: 'CallStateChangeMessage',
  };
};

/** Queues the next notification of `channel` for its subscriber; false if it has none. */
const deliverNext = (channel: string, sentAtMs: number): boolean => {
  const sessionId = subscribers.get(channel);
  if (sessionId === undefined) return false;
  const seq = (seqs.get(channel) ?? 0) + 1;
  if (!bayeux.deliver(sessionId, { channel, data: callData(seq, sentAtMs) })) return false;
  seqs.set(channel, seq);
  return true;
};

/**
 * Open loop: `ratePerSecond` notifications to the recorded clients, round robin, for `durationMs`; each one that
 * goes to recorded client i goes at the same instant (same `sentAtMs`) to direct client i when there is one.
 */
const run = async (ratePerSecond: number, durationMs: number): Promise<LoadRunReply> => {
  const count = (group: LoadGroup): number =>
    [...subscribers.keys()].filter((c) => parseLoadChannel(c)?.group === group).length;
  const clients = { recorded: count('recorded'), direct: count('direct') };
  const sent: Record<LoadGroup, number> = { recorded: 0, direct: 0 };
  const total = Math.floor((durationMs / 1000) * ratePerSecond);
  const startMs = wallNowMs();
  let next = 0;
  let due = 0;
  while (due < total) {
    due = Math.min(total, Math.floor(((wallNowMs() - startMs) / 1000) * ratePerSecond) + 1);
    for (; next < due; next++) {
      const index = next % Math.max(1, clients.recorded);
      const sentAtMs = wallNowMs();
      if (deliverNext(loadChannel('recorded', index), sentAtMs)) sent.recorded += 1;
      if (deliverNext(loadChannel('direct', index), sentAtMs)) sent.direct += 1;
    }
    // ~1 ms ticks: the flushes queued above go out before the next batch is made.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return { sent, clients, durationMs: wallNowMs() - startMs };
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/bench/run' && req.method === 'POST') {
    req.resume();
    const rate = Number(url.searchParams.get('ratePerSecond'));
    const durationMs = Number(url.searchParams.get('durationMs'));
    void run(rate, durationMs).then((reply) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
    return;
  }
  bayeux.handleRequest(req, res);
});
server.keepAliveTimeout = 60_000;
serveBayeux(server, bayeux, (listeningOrigin) => {
  origin = listeningOrigin;
});
