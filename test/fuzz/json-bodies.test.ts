// Fuzz: whatever JSON (or not) a client POSTs to the simulator's REST resources or to a replay, the answer is a clear 2xx/4xx in the documented shape, never a crash.

import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isRecord } from '../../src/common/is-record.js';
import { startReplayServer } from '../../src/replay/index.js';
import { oddText } from '../helpers/fuzz-arbitraries.js';
import { nextEvent, send, startEchoUpstream, startTestRecorder } from '../helpers/recorder.js';
import { storedTransferSource } from '../helpers/replay-rows.js';
import { ringCall, startTestSimulator } from '../helpers/simulator.js';

const OPERATIONS = [
  'Answer',
  'Hangup',
  'Hold',
  'Retrieve',
  'InitiateTransfer',
  'CompleteTransfer',
  'SingleStepTransfer',
  'InitiateConference',
  'CompleteConference',
  'SwapCalls',
  'SendDtmf',
  'AttachUserData',
  'UpdateUserData',
  'DeleteUserDataPair',
  'Dial',
  'Ready',
  'NotReady',
  'StartContactCenterSession',
  'DoNotDisturbOn',
];

/** A GWS request body: mostly an operation with parameters of any shape, sometimes anything at all. */
const requestBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        operationName: fc.oneof(fc.constantFrom(...OPERATIONS), fc.jsonValue()),
        destination: fc.oneof(
          fc.record({ phoneNumber: fc.oneof(fc.string(), fc.jsonValue()) }),
          fc.jsonValue(),
        ),
        userData: fc.jsonValue(),
        key: fc.jsonValue(),
        digits: fc.jsonValue(),
        otherCallUri: fc.oneof(fc.string(), fc.jsonValue()),
        participant: fc.jsonValue(),
        consultCallUri: fc.jsonValue(),
        channels: fc.jsonValue(),
        to: fc.oneof(fc.constantFrom('5005', '15000', '5001'), fc.jsonValue()),
        from: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  oddText,
);

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

describe('JSON bodies from outside', () => {
  it('pass the recorder to and from a REST resource byte for byte, and are stored as sent unless a secret was redacted', async () => {
    const upstream = await startEchoUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const sent: Array<{ id: number; body: Buffer }> = [];
    await fc.assert(
      fc.asyncProperty(requestBody, async (text) => {
        const body = Buffer.from(text);
        const recorded = nextEvent(recorder, 'exchange');
        const reply = await send(`${recorder.url}/api/v2/me/calls/A1`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        expect(reply.body.equals(body)).toBe(true);
        sent.push({ id: (await recorded).id, body });
      }),
      { numRuns: 60 },
    );
    await recorder.flush();
    let comparedAsSent = 0;
    for (const { id, body } of sent) {
      const exchange = store.exchange(recorder.sessionId, id);
      if (exchange?.flags.includes('redacted')) {
        // only a body naming a secret (by default a "password" key) may be stored otherwise than sent
        expect(body.toString('utf8')).toMatch(/password/i);
        continue;
      }
      comparedAsSent += 1;
      expect(exchange?.requestBody ?? Buffer.alloc(0)).toEqual(body);
      expect(exchange?.responseBody ?? Buffer.alloc(0)).toEqual(body);
    }
    expect(comparedAsSent).toBeGreaterThan(sent.length / 2);
  });

  it('the simulator answers every POST with a GWS statusCode (and only a statusMessage beside a non-zero one), never 5xx', async () => {
    const simulator = await startTestSimulator();
    const callId = await ringCall(simulator, '5005', '5000');
    const deviceId = 'efe1ab32-53f9-43ce-b65e-5768c61f7d4a';
    const resource = fc.constantFrom(
      `/api/v2/me/calls/${callId}`,
      '/api/v2/me/calls/no-such-call',
      '/api/v2/me/channels/voice',
      `/api/v2/me/devices/${deviceId}/calls`,
      `/api/v2/me/devices/${deviceId}`,
      '/api/v2/me',
    );
    await fc.assert(
      fc.asyncProperty(resource, requestBody, async (path, body) => {
        const reply = await send(`${simulator.url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        expect(reply.status).toBeLessThan(500);
        const answer = jsonOf(reply.text);
        if (!isRecord(answer)) throw new Error(`not a JSON object: ${reply.status} ${reply.text}`);
        expect(typeof answer.statusCode).toBe('number');
        if (answer.statusCode !== 0) {
          expect(Object.keys(answer).sort()).toEqual(['statusCode', 'statusMessage']);
          expect(String(answer.statusMessage).length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 150 },
    );
    // the control API takes the same abuse
    await fc.assert(
      fc.asyncProperty(requestBody, async (body) => {
        const reply = await send(`${simulator.url}/sim/calls`, { method: 'POST', body });
        expect(reply.status).toBeLessThan(500);
        expect(isRecord(jsonOf(reply.text))).toBe(true);
      }),
      { numRuns: 50 },
    );
    expect((await send(`${simulator.url}/api/v2/me`)).status).toBe(200);
  });

  it('a strict replay names the closest requests when a query name or body key is an Object.prototype member', async () => {
    const replay = await startReplayServer({ source: storedTransferSource(), port: 0, mode: 'strict' });
    onTestFinished(() => replay.close());
    for (const [path, body] of [
      ['/api/v2/me?valueOf', undefined],
      ['/api/v2/me?constructor=1&toString=2', undefined],
      ['/api/v2/me/channels/voice', '{"operationName":"Ready","hasOwnProperty":1}'],
      ['/api/v2/me/channels/voice', '{"operationName":"Ready","userData":{"valueOf":"x"}}'],
    ] as const) {
      const reply = await send(`${replay.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      expect(reply.status, `${path} ${body ?? ''}: ${reply.text}`).toBe(404);
      expect(jsonOf(reply.text)).toMatchObject({ error: 'VCR_REPLAY_NO_MATCH', closest: expect.any(Array) });
    }
  });

  it.each(['strict', 'lenient'] as const)(
    'a %s replay answers any request with the recorded answer or a JSON miss, never 5xx',
    async (mode) => {
      const replay = await startReplayServer({ source: storedTransferSource(), port: 0, mode });
      onTestFinished(() => replay.close());
      const path = fc
        .tuple(
          fc.oneof(
            fc.constantFrom(
              '/api/v2/me',
              '/api/v2/me/calls/X1',
              '/api/v2/me/channels/voice',
              '/api/v2/devices',
            ),
            fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
          ),
          fc.option(fc.webQueryParameters()),
        )
        .map(([p, query]) => (query === null ? p : `${p}?${query}`));
      const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
      const answered = { recorded: 0, missed: 0 };
      await fc.assert(
        fc.asyncProperty(method, path, requestBody, async (verb, p, body) => {
          const reply = await send(`${replay.url}${p}`, {
            method: verb,
            headers: { 'Content-Type': 'application/json' },
            ...(verb === 'GET' ? {} : { body }),
          });
          expect(reply.status).toBeLessThan(500);
          const answer = jsonOf(reply.text);
          answered[reply.status >= 400 ? 'missed' : 'recorded'] += 1;
          if (reply.status >= 400) {
            expect(answer, reply.text).toMatchObject({
              error: expect.any(String),
              message: expect.any(String),
            });
          } else if (mode === 'lenient') {
            expect(isRecord(answer)).toBe(true);
          }
        }),
        { numRuns: 100 },
      );
      // both branches above ran: some misses, and in lenient mode mostly answers
      expect(answered.missed).toBeGreaterThan(0);
      if (mode === 'lenient') expect(answered.recorded).toBeGreaterThan(50);
      // and it still serves the recording afterwards
      const me = await send(`${replay.url}/api/v2/me`);
      expect(me.status).toBe(200);
      expect(jsonOf(me.text)).toMatchObject({ statusCode: 0 });
    },
  );
});
