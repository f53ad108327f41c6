import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readOperations } from '../../src/analysis/operations.js';
import { operationExchange } from '../helpers/rows.js';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const NOTIFICATIONS = '/api/v2/notifications';

describe('readOperations', () => {
  it('reads the operation, its call, its parameters, its statusCode and its latency', () => {
    const { operations } = readOperations(
      [
        operationExchange({
          id: 7,
          path: '/api/v2/me/calls/A',
          requestBody: body({
            operationName: 'CompleteTransfer',
            consultCallUri: 'http://gws.example.com/api/v2/me/calls/B',
          }),
          responseBody: body({
            statusCode: 2,
            statusMessage: 'CompleteTransfer is not valid for the current state',
          }),
          status: 400,
          startMs: 100,
          firstByteMs: 103.5,
          endMs: 104,
        }),
      ],
      NOTIFICATIONS,
    );
    expect(operations).toEqual([
      expect.objectContaining({
        exchangeId: 7,
        operationName: 'CompleteTransfer',
        resource: 'call',
        callId: 'A',
        params: { destination: null, consultCallId: 'B', otherCallId: null, participant: null },
        startMs: 100,
        latencyMs: 3.5,
        httpStatus: 400,
        statusCode: 2,
        statusMessage: 'CompleteTransfer is not valid for the current state',
        isAccepted: false,
      }),
    ]);
  });

  it('leaves out what the recorder took for CometD, by the recorder’s own path rule', () => {
    const answer = { operationName: 'Answer' };
    const at = (id: number, path: string) =>
      operationExchange({ id, path, requestBody: body(answer), responseBody: body({ statusCode: 0 }) });
    const { operations } = readOperations(
      [
        at(1, `${NOTIFICATIONS}/connect`),
        at(2, NOTIFICATIONS),
        // a sibling path that merely starts with the same letters is no part of the CometD endpoint
        at(3, `${NOTIFICATIONS}-archive/calls/A`),
      ],
      NOTIFICATIONS,
    );
    expect(operations.map((op) => op.exchangeId)).toEqual([3]);
  });

  it('reads the destination and otherCallUri, and sorts by request start', () => {
    const { operations } = readOperations(
      [
        operationExchange({
          id: 2,
          startMs: 50,
          requestBody: body({ operationName: 'SwapCalls', otherCallUri: '/calls/Z' }),
        }),
        operationExchange({
          id: 1,
          startMs: 10,
          path: 'api/v2/me/devices/d1/calls',
          requestBody: body({ operationName: 'Dial', destination: { phoneNumber: '5001' } }),
        }),
      ],
      NOTIFICATIONS,
    );
    expect(
      operations.map((op) => [op.operationName, op.resource, op.params.destination, op.params.otherCallId]),
    ).toEqual([
      ['Dial', 'device-calls', '5001', null],
      ['SwapCalls', 'call', null, 'Z'],
    ]);
  });

  it('decodes a gzip response before reading its statusCode', () => {
    const { operations, unreadableResponses } = readOperations(
      [
        operationExchange({
          responseHeaders: [['Content-Encoding', 'gzip']],
          responseBody: gzipSync(body({ statusCode: 0 })),
        }),
      ],
      NOTIFICATIONS,
    );
    expect(operations[0]).toMatchObject({ statusCode: 0, isAccepted: true });
    expect(unreadableResponses).toBe(0);
  });

  it('without a readable statusCode, accepts by HTTP status; without a response, refuses', () => {
    const { operations, unreadableResponses } = readOperations(
      [
        operationExchange({ id: 1, startMs: 1, responseBody: Buffer.from('<html>'), status: 200 }),
        operationExchange({
          id: 2,
          startMs: 2,
          responseBody: body({ error: 'VCR_UPSTREAM_UNREACHABLE' }),
          status: 502,
        }),
        operationExchange({
          id: 3,
          startMs: 3,
          responseBody: null,
          status: null,
          firstByteMs: null,
          endMs: null,
        }),
        operationExchange({
          id: 4,
          startMs: 4,
          responseHeaders: [['content-encoding', 'gzip']],
          responseBody: Buffer.from('xx'),
        }),
      ],
      NOTIFICATIONS,
    );
    expect(operations.map((op) => [op.statusCode, op.isAccepted, op.latencyMs])).toEqual([
      [null, true, 3],
      [null, false, 3],
      [null, false, null],
      [null, true, 3],
    ]);
    expect(unreadableResponses).toBe(3);
  });

  it('counts bad request bodies on GWS resources, and skips GETs, Bayeux, the notifications path and /sim', () => {
    const result = readOperations(
      [
        operationExchange({ id: 1, requestBody: Buffer.from('{not json') }),
        operationExchange({ id: 2, requestBody: body({ operation: 'Answer' }) }),
        operationExchange({ id: 3, requestBody: null }),
        operationExchange({ id: 4, method: 'GET', requestBody: body({ operationName: 'Answer' }) }),
        operationExchange({
          id: 5,
          kind: 'bayeux',
          path: '/api/v2/notifications',
          requestBody: Buffer.from('[]'),
        }),
        operationExchange({
          id: 6,
          path: '/api/v2/notifications/connect',
          requestBody: body({ operationName: 'x' }),
        }),
        operationExchange({ id: 7, path: '/sim/calls', requestBody: body({ to: '5005', from: '5000' }) }),
        operationExchange({ id: 8, endMs: 900 }),
      ],
      NOTIFICATIONS,
    );
    expect(result.operations.map((op) => op.exchangeId)).toEqual([8]);
    expect(result).toMatchObject({ exchanges: 8, malformedRequests: 3, endMs: 900 });
  });
});
