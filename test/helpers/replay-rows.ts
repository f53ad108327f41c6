// Store rows of a small recorded GWS session, built by hand, for replay tests that need no recorder.
import { loadReplaySource, type ReplaySource } from '../../src/replay/index.js';
import type { BayeuxRow, Exchange, NewSession, Store } from '../../src/store/index.js';
import { exchangeRow, makeSession, messageRow, openTempStore } from './store-rows.js';

/** A client's /meta/subscribe to `channel` at `atMs`. */
export const subscribeRow = (id: number, channel: string, atMs: number): BayeuxRow =>
  messageRow({
    id,
    atMs,
    direction: 'to-server',
    channel: '/meta/subscribe',
    message: { channel: '/meta/subscribe', clientId: 'client-1', subscription: channel, id: String(id) },
  });

export const handshakeRow = (id: number, atMs: number): BayeuxRow =>
  messageRow({
    id,
    atMs,
    direction: 'to-server',
    channel: '/meta/handshake',
    clientId: null,
    message: { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
  });

/** A call notification on /v2/me/calls: `{ data: { call: { id, state } } }` at `atMs`. */
export const callRow = (
  id: number,
  atMs: number,
  callId: string,
  state: string,
  clientId = 'client-1',
): BayeuxRow =>
  messageRow({
    id,
    atMs,
    clientId,
    message: {
      channel: '/v2/me/calls',
      clientId,
      data: {
        notificationType: 'StatusChange',
        call: { id: callId, state, uri: `http://127.0.0.1:8080/api/v2/me/calls/${callId}` },
        messageType: 'CallStateChangeMessage',
      },
    },
  });

/** A POST of `operationName` on a call at `startMs`, answered `{"statusCode":0}` after 2 ms. */
export const operationRow = (id: number, startMs: number, callId: string, operationName: string): Exchange =>
  exchangeRow({
    id,
    method: 'POST',
    path: `/api/v2/me/calls/${callId}`,
    requestHeaders: [['content-type', 'application/json']],
    requestBody: Buffer.from(JSON.stringify({ operationName })),
    startMs,
    firstByteMs: startMs + 2,
    endMs: startMs + 2.5,
  });

/** Recorded delays of the transfer session below, ms after their anchor action. */
export const TRANSFER_DELAYS = {
  ringingAfterSubscribe: 80,
  established: 30,
  held: 40,
  dialing: 55,
  releasedA: 300,
  releasedB: 450,
} as const;

export const UPSTREAM_ORIGIN = 'http://127.0.0.1:8080';
export const LISTEN_ORIGIN = 'http://127.0.0.1:8090';

const call = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
  notificationType: 'StatusChange',
  call: {
    id,
    state,
    callUuid: id,
    deviceUri: `${UPSTREAM_ORIGIN}/api/v2/devices/efe1ab32-53f9-43ce-b65e-5768c61f7d4a`,
    ...extra,
    uri: `${UPSTREAM_ORIGIN}/api/v2/me/calls/${id}`,
    path: `/calls/${id}`,
  },
  phoneNumber: '5005',
  messageType: 'CallStateChangeMessage',
});

/** The call ids of the transfer session below: A the inbound call, B the consult. */
export const TRANSFER_CALLS = {
  A: '011DJV5JI898NB2L04000VTAES000005',
  B: '011DJV5JI898NB2L04000VTAES000006',
};

/**
 * The seed's two-step transfer as a recorder would store it (written by hand, times in ms):
 * GET /api/v2/me (fresh JSESSIONID, CSRF token) at 5; handshake 10; subscribe /v2/me/calls 20;
 * A Ringing 100; Answer 200 -> Established; InitiateTransfer 300 -> A Held, B Dialing;
 * CompleteTransfer on B 1000 -> A Released, B Released (delays in TRANSFER_DELAYS).
 */
export const transferSessionRows = (): { exchanges: Exchange[]; messages: BayeuxRow[] } => {
  const { A, B } = TRANSFER_CALLS;
  const d = TRANSFER_DELAYS;
  const me = exchangeRow({
    id: 1,
    path: '/api/v2/me',
    startMs: 5,
    firstByteMs: 7,
    responseHeaders: [
      ['content-type', 'application/json'],
      ['set-cookie', 'JSESSIONID=[REDACTED]; Path=/; HttpOnly'],
      ['x-csrf-header', 'X-CSRF-TOKEN'],
      ['x-csrf-token', '[REDACTED]'],
      ['content-length', '999'],
    ],
    responseBody: Buffer.from(
      JSON.stringify({ statusCode: 0, user: { userName: 'agent5005', uri: `${UPSTREAM_ORIGIN}/api/v2/me` } }),
    ),
  });
  const exchanges = [
    me,
    operationRow(2, 200, A, 'Answer'),
    exchangeRow({
      ...operationRow(3, 300, A, 'InitiateTransfer'),
      requestBody: Buffer.from(
        JSON.stringify({ operationName: 'InitiateTransfer', destination: { phoneNumber: '5001' } }),
      ),
    }),
    exchangeRow({
      ...operationRow(4, 1000, B, 'CompleteTransfer'),
      requestBody: Buffer.from(
        JSON.stringify({
          operationName: 'CompleteTransfer',
          consultCallUri: `${LISTEN_ORIGIN}/api/v2/me/calls/${B}`,
        }),
      ),
    }),
  ];
  const notification = (id: number, atMs: number, data: unknown): BayeuxRow =>
    messageRow({ id, atMs, clientId: 'recorded-client', message: { channel: '/v2/me/calls', data } });
  const messages = [
    handshakeRow(1, 10),
    subscribeRow(2, '/v2/me/calls', 20),
    notification(3, 20 + d.ringingAfterSubscribe, call(A, 'Ringing')),
    notification(4, 200 + d.established, call(A, 'Established')),
    notification(5, 300 + d.held, call(A, 'Held')),
    notification(
      6,
      300 + d.dialing,
      call(B, 'Dialing', { parentCallUri: `${UPSTREAM_ORIGIN}/api/v2/me/calls/${A}` }),
    ),
    notification(7, 1000 + d.releasedA, call(A, 'Released')),
    notification(
      8,
      1000 + d.releasedB,
      call(B, 'Released', { parentCallUri: `${UPSTREAM_ORIGIN}/api/v2/me/calls/${A}` }),
    ),
  ];
  return { exchanges, messages };
};

/** Writes the transfer session into `store` as a recorder would have; returns its session id. */
export const writeTransferSession = (store: Store, over: Partial<NewSession> = {}): number => {
  const session = store.createSession(
    makeSession({ upstream: UPSTREAM_ORIGIN, listenOrigin: LISTEN_ORIGIN, ...over }),
  );
  const { exchanges, messages } = transferSessionRows();
  store.writeRows(session.id, {
    exchanges: exchanges.map(({ sessionId: _s, ...row }) => row),
    messages: messages.map(({ sessionId: _s, ...row }) => row),
  });
  return session.id;
};

/** Writes the transfer session into a fresh temp store and reads it back as the replay would. */
export const storedTransferSource = (): ReplaySource => {
  const store = openTempStore();
  writeTransferSession(store);
  return loadReplaySource(store, 'latest');
};
