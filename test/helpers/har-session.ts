// A recorded session holding every shape of row HAR export has to carry, written as the recorder would write it.
import { gzipSync } from 'node:zlib';
import type { NewBayeuxRow, NewExchange, NewFrameRow, Store } from '../../src/store/index.js';
import { makeExchange, makeSession } from './store-rows.js';

export const SAMPLE_ORIGIN_WALL_MS = Date.UTC(2024, 4, 1, 10, 0, 0, 0) + 0.4375;

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const handshake = {
  channel: '/meta/handshake',
  version: '1.0',
  supportedConnectionTypes: ['long-polling'],
  id: '1',
};
const handshakeReply = { channel: '/meta/handshake', successful: true, clientId: 'c1', id: '1' };
const ringing = {
  channel: '/v2/me/calls',
  data: { messageType: 'CallStateChangeMessage', call: { id: 'A', state: 'Ringing' } },
};
const connect = { channel: '/meta/connect', clientId: 'c1', connectionType: 'long-polling', id: '2' };
const connectReply = { channel: '/meta/connect', successful: true, id: '2' };
const wsConnect = { channel: '/meta/connect', clientId: 'c1', connectionType: 'websocket', id: '3' };
const wsReply = [ringing, { channel: '/meta/connect', successful: true, id: '3' }];

/** Bayeux rows as the tap makes them: to the server at the exchange's start, to the client at its end. */
const rowsOf = (
  firstId: number,
  exchangeId: number | null,
  direction: NewBayeuxRow['direction'],
  transport: NewBayeuxRow['transport'],
  atMs: number,
  messages: Array<Record<string, unknown>>,
): NewBayeuxRow[] =>
  messages.map((message, i) => ({
    id: firstId + i,
    exchangeId,
    direction,
    transport,
    channel: typeof message.channel === 'string' ? message.channel : null,
    clientId: typeof message.clientId === 'string' ? message.clientId : null,
    messageId: typeof message.id === 'string' ? message.id : null,
    successful: typeof message.successful === 'boolean' ? message.successful : null,
    atMs,
    message,
  }));

const frame = (over: Partial<NewFrameRow> & Pick<NewFrameRow, 'id' | 'atMs' | 'payload'>): NewFrameRow => ({
  exchangeId: 3,
  direction: 'to-client',
  opcode: 'text',
  payloadBytes: over.payload.length,
  flags: [],
  ...over,
});

/** Exchanges, frames and messages HAR carries plainly: what a browser's HAR of the same traffic would hold. */
export const plainSampleRows = (): {
  exchanges: NewExchange[];
  frames: NewFrameRow[];
  messages: NewBayeuxRow[];
} => {
  const handshakeBody = json([handshake]);
  const connectBody = json([connect]);
  const exchanges: NewExchange[] = [
    makeExchange({
      id: 1,
      path: '/api/v2/me',
      query: 'subresources=*&q=a%20b',
      startMs: 0.123456,
      firstByteMs: 12.5,
      endMs: 13.0625,
      responseBody: json({ statusCode: 0, user: { userName: 'agent5005', firstName: 'Zoë' } }),
    }),
    makeExchange({
      id: 2,
      kind: 'bayeux',
      method: 'POST',
      path: '/api/v2/notifications/handshake',
      requestBody: handshakeBody,
      requestBodyBytes: handshakeBody.length,
      requestHeaders: [
        ['host', '127.0.0.1:8090'],
        ['content-type', 'application/json'],
      ],
      responseBody: json([handshakeReply]),
      responseBodyBytes: json([handshakeReply]).length,
      startMs: 20.25,
      firstByteMs: 31.75,
      endMs: 32.5,
    }),
    makeExchange({
      id: 3,
      kind: 'websocket',
      path: '/api/v2/notifications',
      status: 101,
      responseHeaders: [
        ['upgrade', 'websocket'],
        ['connection', 'Upgrade'],
      ],
      responseBody: null,
      responseBodyBytes: 0,
      startMs: 40,
      firstByteMs: 41.5,
      endMs: 900.875,
    }),
    makeExchange({
      id: 4,
      kind: 'bayeux',
      method: 'POST',
      path: '/api/v2/notifications/connect',
      requestBody: connectBody,
      requestBodyBytes: connectBody.length,
      responseBody: json([ringing, connectReply]),
      responseBodyBytes: json([ringing, connectReply]).length,
      startMs: 50,
      firstByteMs: 5050.5,
      endMs: 5051.25,
    }),
    makeExchange({
      id: 5,
      method: 'POST',
      path: '/api/v2/me/calls/A',
      requestBody: json({ operationName: 'Answer' }),
      requestBodyBytes: json({ operationName: 'Answer' }).length,
      startMs: 6000.001,
      firstByteMs: 6040.999,
      endMs: 6041.5,
    }),
  ];
  const frames: NewFrameRow[] = [
    frame({ id: 1, direction: 'to-server', atMs: 42.000125, payload: json([wsConnect]) }),
    frame({ id: 2, atMs: 700.5, payload: json(wsReply) }),
    frame({ id: 3, atMs: 800.25, opcode: 'binary', payload: Buffer.from([0, 1, 2, 0xff, 0xfe]) }),
  ];
  const messages = [
    ...rowsOf(1, 2, 'to-server', 'long-polling', 20.25, [handshake]),
    ...rowsOf(2, 2, 'to-client', 'long-polling', 32.5, [handshakeReply]),
    ...rowsOf(3, 3, 'to-server', 'websocket', 42.000125, [wsConnect]),
    ...rowsOf(4, 4, 'to-server', 'long-polling', 50, [connect]),
    ...rowsOf(5, 3, 'to-client', 'websocket', 700.5, wsReply),
    ...rowsOf(7, 4, 'to-client', 'long-polling', 5051.25, [ringing, connectReply]),
  ];
  return { exchanges, frames, messages };
};

/** What only `_gwsVcr` can carry: gzip bodies, bytes that are not UTF-8, no response, flags, orphans. */
export const quirkySampleRows = (): {
  exchanges: NewExchange[];
  frames: NewFrameRow[];
  messages: NewBayeuxRow[];
} => {
  const gzipped = gzipSync(JSON.stringify({ statusCode: 0, calls: [] }));
  const notUtf8 = Buffer.from([0x7b, 0xc3, 0x28, 0x7d]);
  return {
    exchanges: [
      makeExchange({
        id: 6,
        path: '/api/v2/me/calls',
        responseHeaders: [
          ['content-type', 'application/json'],
          ['content-encoding', 'gzip'],
          ['set-cookie', 'JSESSIONID=[REDACTED]; Path=/'],
          ['set-cookie', 'LB=[REDACTED]; Path=/'],
        ],
        responseBody: gzipped,
        responseBodyBytes: gzipped.length,
        startMs: 7000,
        firstByteMs: 7001,
        endMs: 7002,
      }),
      makeExchange({
        id: 7,
        method: 'POST',
        path: '/api/v2/me/calls/A',
        requestBody: notUtf8,
        requestBodyBytes: notUtf8.length,
        responseBody: notUtf8,
        responseBodyBytes: 9000,
        startMs: 7100,
        firstByteMs: 7101,
        endMs: 7102,
        flags: ['truncated'],
      }),
      makeExchange({
        id: 8,
        method: 'POST',
        path: '/api/v2/me/calls/B',
        requestBody: Buffer.alloc(0),
        status: null,
        responseHeaders: null,
        responseBody: null,
        responseBodyBytes: 0,
        startMs: 7200.5,
        firstByteMs: null,
        endMs: null,
        error: 'client went away after 12 ms',
        flags: ['client-aborted'],
      }),
      makeExchange({
        id: 9,
        status: 502,
        responseBody: Buffer.alloc(0),
        responseBodyBytes: 0,
        startMs: 7300,
        firstByteMs: 7300.5,
        endMs: 7300.5,
        error: 'upstream unreachable: connect ECONNREFUSED 127.0.0.1:9',
        flags: ['upstream-unreachable'],
      }),
    ],
    frames: [
      frame({ id: 4, atMs: 850, payload: notUtf8, payloadBytes: 70000, flags: ['truncated'] }),
      frame({ id: 5, atMs: 860, opcode: 'ping', payload: Buffer.alloc(0) }),
      frame({ id: 6, atMs: 900.875, opcode: 'close', payload: Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]) }),
      // a connection whose upgrade row a killed recorder never wrote
      frame({ id: 7, exchangeId: 99, atMs: 9000, payload: json([wsConnect]) }),
    ],
    messages: [
      ...rowsOf(9, null, 'to-client', 'long-polling', 9100, [ringing]),
      ...rowsOf(10, 77, 'to-server', 'long-polling', 9200, [connect]),
    ],
  };
};

/** Writes a session of both sets of rows; returns its id. */
export const recordHarSample = (store: Store, options: { quirks: boolean } = { quirks: true }): number => {
  const session = store.createSession(
    makeSession({
      name: 'har-sample',
      upstream: 'http://127.0.0.1:8080',
      originWallMs: SAMPLE_ORIGIN_WALL_MS,
      rewriteOrigins: ['https://gws-lb.example:8443'],
    }),
  );
  const plain = plainSampleRows();
  const quirky = options.quirks ? quirkySampleRows() : { exchanges: [], frames: [], messages: [] };
  store.writeRows(session.id, {
    exchanges: [...plain.exchanges, ...quirky.exchanges],
    frames: [...plain.frames, ...quirky.frames],
    messages: [...plain.messages, ...quirky.messages],
  });
  store.endSession(session.id, SAMPLE_ORIGIN_WALL_MS + 10_000);
  return session.id;
};
