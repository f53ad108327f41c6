// RowBuilder: captured exchanges and frames become redacted rows, their Bayeux messages decoded into rows of their own.
import { describe, expect, it } from 'vitest';
import { RowBuilder } from '../../src/proxy/record-rows.js';
import { REDACTED } from '../../src/proxy/redact.js';
import { Redactor } from '../../src/proxy/redactor.js';
import type { CapturedExchange, CapturedFrame, IdSource } from '../../src/proxy/types.js';

const SECRET = 'c2VjcmV0LXRva2VuLTEyMzQ1Njc4';

const counters = (): IdSource => {
  const next = { exchange: 0, message: 0, frame: 0 };
  return {
    nextExchangeId: () => ++next.exchange,
    nextMessageId: () => ++next.message,
    nextFrameId: () => ++next.frame,
  };
};

const captured = (over: Partial<CapturedExchange> & Pick<CapturedExchange, 'id'>): CapturedExchange => ({
  kind: 'http',
  method: 'GET',
  path: '/api/v2/me',
  query: '',
  requestHeaders: [],
  requestBody: null,
  requestBodyBytes: 0,
  isRequestTruncated: false,
  requestEndMs: 1,
  isRequestRecorded: false,
  status: 200,
  responseHeaders: [['Content-Type', 'application/json']],
  responseBody: null,
  responseBodyBytes: 0,
  isResponseTruncated: false,
  startMs: 0,
  firstByteMs: 2,
  endMs: 3,
  error: null,
  flags: [],
  ...over,
});

/** A builder that already saw SECRET as a Basic credential, so it scrubs it from everything later. */
const builderThatKnowsTheSecret = (): RowBuilder => {
  const rows = new RowBuilder(new Redactor(), counters(), 1024 * 1024);
  rows.exchange(captured({ id: 1, requestHeaders: [['Authorization', `Basic ${SECRET}`]] }));
  return rows;
};

describe('RowBuilder', () => {
  it('decodes a long-poll into message rows, redacting secret keys in the rows and the stored body', () => {
    const rows = builderThatKnowsTheSecret();
    const request = Buffer.from(
      JSON.stringify([{ channel: '/meta/handshake', id: '1', ext: { password: 'hunter2' }, token: SECRET }]),
    );
    const built = rows.exchange(
      captured({
        id: 2,
        kind: 'bayeux',
        method: 'POST',
        path: '/api/v2/notifications/handshake',
        requestBody: request,
        requestBodyBytes: request.length,
        responseBody: Buffer.from('[{"channel":"/meta/handshake","id":"1","successful":true}]'),
      }),
    );
    const sent = { channel: '/meta/handshake', id: '1', ext: { password: REDACTED }, token: REDACTED };
    expect(built.messages.map((m) => [m.id, m.direction, m.atMs, m.message])).toEqual([
      [1, 'to-server', 1, sent],
      [2, 'to-client', 3, { channel: '/meta/handshake', id: '1', successful: true }],
    ]);
    expect(JSON.parse(built.exchange.requestBody?.toString() ?? '')).toEqual([sent]);
    expect(built.exchange.requestBodyBytes).toBe(request.length);
    expect(built.exchange.flags).toEqual(['redacted']);
  });

  it('stores a cut long-poll body as far as it goes: secret keys and a secret cut in half redacted, no rows', () => {
    const rows = builderThatKnowsTheSecret();
    const whole = `[{"channel":"/meta/connect","ext":{"password":"hunter2"},"token":"${SECRET}"}]`;
    const cut = Buffer.from(whole.slice(0, whole.indexOf(SECRET) + 10));
    const built = rows.exchange(
      captured({
        id: 2,
        kind: 'bayeux',
        method: 'POST',
        path: '/api/v2/notifications/connect',
        requestBody: cut,
        requestBodyBytes: whole.length,
        isRequestTruncated: true,
        flags: ['truncated'],
      }),
    );
    expect(built.messages).toEqual([]);
    expect(built.exchange.requestBody?.toString()).toBe(
      `[{"channel":"/meta/connect","ext":{"password":"${REDACTED}"},"token":"${REDACTED}`,
    );
    expect(built.exchange.flags).toEqual(['truncated', 'redacted']);
  });

  it('stores a frame that is JSON but not Bayeux raw, flagged, its secret keys redacted', () => {
    const rows = builderThatKnowsTheSecret();
    const payload = Buffer.from(`{"password":"hunter2","note":"${SECRET}"}`);
    const frame: CapturedFrame = {
      id: 1,
      exchangeId: 1,
      direction: 'to-server',
      opcode: 'text',
      atMs: 5,
      payload,
      payloadBytes: payload.length,
      isTruncated: false,
      isBayeux: true,
    };
    const built = rows.frame(frame);
    expect(built.messages).toEqual([]);
    expect(JSON.parse(built.frame.payload.toString())).toEqual({ password: REDACTED, note: REDACTED });
    expect(built.frame.flags).toEqual(['not-bayeux', 'redacted']);
  });
});
