// Store rows of a small recorded GWS session, built by hand, for replay tests that need no recorder.
import type { BayeuxRow, Exchange } from '../../src/store/index.js';
import { makeExchange, makeMessage } from './store-rows.js';

export const exchangeRow = (over: Partial<Exchange> & Pick<Exchange, 'id'>): Exchange => ({
  sessionId: 1,
  ...makeExchange(over),
  ...over,
});

export const messageRow = (over: Partial<BayeuxRow> & Pick<BayeuxRow, 'id'>): BayeuxRow => ({
  sessionId: 1,
  ...makeMessage(over),
  ...over,
});

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
