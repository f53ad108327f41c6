import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSession, toAnalyzeJson } from '../../src/analysis/index.js';
import {
  failedCompleteTransfer,
  neverReleasedCall,
  operationExchange,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  SEED_TIMES,
  seedTwoStepTransfer,
  singleStepTransfer,
  twoStepConference,
} from '../helpers/rows.js';
import { messageRow } from '../helpers/store-rows.js';

describe('analyzeSession on the seed scenario (CompleteTransfer, Sample 2)', () => {
  const analysis = analyzeSession(seedTwoStepTransfer().rows());

  it('builds both calls with their states, times and the consult linked to its parent', () => {
    const [a, b] = analysis.calls;
    expect(analysis.calls).toHaveLength(2);
    expect(a).toMatchObject({
      id: SEED_CALL_A.id,
      callType: 'Internal',
      connId: '007102385535e005',
      parentId: null,
      participants: ['5000'],
      dnis: '5005',
      agentNumber: '5005',
      releasedAtMs: SEED_TIMES.releasedA,
    });
    expect(a?.states.map((s) => [s.state, s.atMs, s.endMs])).toEqual([
      ['Ringing', SEED_TIMES.ringing, SEED_TIMES.established],
      ['Established', SEED_TIMES.established, SEED_TIMES.held],
      ['Held', SEED_TIMES.held, SEED_TIMES.releasedA],
      ['Released', SEED_TIMES.releasedA, null],
    ]);
    expect(b).toMatchObject({
      id: SEED_CALL_B.id,
      callType: 'Consult',
      parentId: SEED_CALL_A.id,
      dnis: '5001',
    });
    expect(b?.states.map((s) => s.state)).toEqual(['Dialing', 'Released']);
  });

  it('reports one ok two-step transfer with its three step latencies', () => {
    expect(analysis.transfers).toEqual([
      {
        kind: 'two-step',
        originalCallId: SEED_CALL_A.id,
        consultCallId: SEED_CALL_B.id,
        destination: '5001',
        atMs: SEED_TIMES.initiate,
        initiateExchangeId: expect.any(Number),
        completeExchangeId: expect.any(Number),
        steps: SEED_STEPS,
        ok: true,
        problem: null,
      },
    ]);
  });

  it('links each request to the notifications it caused', () => {
    const linked = analysis.operations.map((op) => [
      op.operationName,
      op.statusCode,
      op.notifications.map((n) => `${n.callId === SEED_CALL_A.id ? 'A' : 'B'} ${n.state}`),
    ]);
    expect(linked).toEqual([
      ['Answer', 0, ['A Established']],
      ['InitiateTransfer', 0, ['A Held', 'B Dialing']],
      ['CompleteTransfer', 0, ['A Released', 'B Released']],
    ]);
    expect(analysis.operations.every((op) => op.expectations.every((e) => e.metAtMs !== null))).toBe(true);
  });

  it('finds nothing wrong', () => {
    expect(analysis.anomalies).toEqual([]);
    expect(analysis.stats).toMatchObject({ callNotifications: 6, operations: 3, malformedNotifications: 0 });
  });
});

describe('analyzeSession on the other scenarios', () => {
  it('a refused CompleteTransfer: the transfer fails, the request is flagged and both calls stay unreleased', () => {
    const analysis = analyzeSession(failedCompleteTransfer().rows());
    const [transfer] = analysis.transfers;
    expect(transfer).toMatchObject({ kind: 'two-step', ok: false, consultCallId: SEED_CALL_B.id });
    expect(transfer?.problem).toBe(
      'CompleteTransfer failed with statusCode 2: CompleteTransfer is not valid for the current state',
    );
    expect(transfer?.steps).toEqual({
      initiateToDialingMs: SEED_STEPS.initiateToDialingMs,
      dialingToCompleteMs: SEED_STEPS.dialingToCompleteMs,
      completeToReleasedMs: null,
    });
    expect(analysis.anomalies.map((a) => [a.kind, a.callId])).toEqual([
      ['request-failed', SEED_CALL_B.id],
      ['never-released', SEED_CALL_A.id],
      ['never-released', SEED_CALL_B.id],
    ]);
  });

  it('a call never released is flagged at the session end with its last state', () => {
    const analysis = analyzeSession(neverReleasedCall().rows());
    expect(analysis.anomalies).toEqual([
      expect.objectContaining({ kind: 'never-released', callId: SEED_CALL_A.id, lastState: 'Established' }),
    ]);
    expect(analysis.anomalies[0]?.atMs).toBe(analysis.endMs);
  });

  it('a single-step transfer is measured from the request to the Released', () => {
    const analysis = analyzeSession(singleStepTransfer().rows());
    expect(analysis.transfers).toEqual([
      expect.objectContaining({
        kind: 'single-step',
        originalCallId: SEED_CALL_A.id,
        destination: '5001',
        steps: { requestToDoneMs: 70 },
        ok: true,
      }),
    ]);
    expect(analysis.anomalies).toEqual([]);
  });

  it('a conference is measured from InitiateConference to the consult Released and the parent update', () => {
    const analysis = analyzeSession(twoStepConference().rows());
    expect(analysis.transfers).toEqual([
      expect.objectContaining({
        kind: 'conference',
        isSingleStep: false,
        consultCallId: SEED_CALL_B.id,
        steps: {
          initiateToDialingMs: 80,
          dialingToCompleteMs: 2920,
          completeToReleasedMs: 60,
          completeToUpdatedMs: 90,
          requestToDoneMs: null,
        },
        ok: true,
      }),
    ]);
    expect(analysis.calls[0]?.participants).toEqual(['5000', '5001']);
    expect(analysis.anomalies).toEqual([]);
  });

  it('an empty session gives an empty analysis', () => {
    const analysis = analyzeSession(new RecordingScript().rows());
    expect(analysis).toMatchObject({ calls: [], operations: [], transfers: [], anomalies: [], endMs: 0 });
  });

  it('reads the messages in one pass, so a one-shot iterator is enough', () => {
    const { session, exchanges, messages } = seedTwoStepTransfer().rows();
    const once = (function* () {
      yield* messages;
    })();
    expect(analyzeSession({ session, exchanges, messages: once }).transfers[0]?.ok).toBe(true);
  });
});

describe('analyzeSession on untrusted recordings', () => {
  it('never throws, whatever the rows hold, and counts what it could not read', () => {
    const call = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        state: fc.oneof(
          fc.constantFrom('Ringing', 'Dialing', 'Established', 'Held', 'Released'),
          fc.anything(),
        ),
        parentCallUri: fc.oneof(fc.webUrl(), fc.string(), fc.anything()),
        capabilities: fc.oneof(fc.array(fc.constantFrom('Hold', 'Retrieve', 'Answer')), fc.anything()),
        participants: fc.anything(),
        duration: fc.oneof(fc.integer().map(String), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const data = fc.oneof(
      fc.record({
        messageType: fc.constant('CallStateChangeMessage'),
        notificationType: fc.anything(),
        call,
      }),
      fc.record({
        messageType: fc.constantFrom('ErrorMessage', 'DeviceStateChangeMessage'),
        errorCode: fc.anything(),
      }),
      fc.anything(),
    );
    const message = fc.record({
      atMs: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      direction: fc.constantFrom('to-client' as const, 'to-server' as const),
      data,
    });
    const exchange = fc.record({
      startMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
      path: fc.oneof(
        fc.constantFrom('/api/v2/me/calls/A', 'api/v2/me/calls/B', '/api/v2/me', '/x'),
        fc.string(),
      ),
      requestBody: fc.oneof(
        fc.string(),
        fc.json(),
        fc.constantFrom(
          '{"operationName":"CompleteTransfer"}',
          '{"operationName":"InitiateTransfer","destination":{"phoneNumber":"5001"}}',
        ),
      ),
      responseBody: fc.oneof(fc.string(), fc.json(), fc.constant('{"statusCode":0}')),
      status: fc.oneof(fc.constant(null), fc.integer({ min: 100, max: 599 })),
    });
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 30 }),
        fc.array(exchange, { maxLength: 10 }),
        (messages, exchanges) => {
          const analysis = analyzeSession({
            session: seedTwoStepTransfer().rows().session,
            messages: messages.map((m, i) =>
              messageRow({
                id: i + 1,
                atMs: m.atMs,
                direction: m.direction,
                message: { channel: '/v2/me/calls', data: m.data },
              }),
            ),
            exchanges: exchanges.map((e, i) =>
              operationExchange({
                id: 100 + i,
                startMs: e.startMs,
                path: e.path,
                status: e.status,
                requestBody: Buffer.from(e.requestBody),
                responseBody: Buffer.from(e.responseBody),
              }),
            ),
          });
          expect(analysis.stats.messages).toBe(messages.length);
          expect(JSON.parse(JSON.stringify(toAnalyzeJson(analysis)))).toBeTruthy();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a call notification without a call id instead of failing', () => {
    const script = seedTwoStepTransfer();
    script.message(50_000, { messageType: 'CallStateChangeMessage', call: { state: 'Held' } });
    script.message(50_001, { messageType: 'CallStateChangeMessage' });
    const analysis = analyzeSession(script.rows());
    expect(analysis.stats.malformedNotifications).toBe(2);
    expect(analysis.transfers[0]?.ok).toBe(true);
  });

  it('reads a HAR-style session: relative paths, another origin in URIs, the older call format', () => {
    const script = new RecordingScript({ origin: 'https://gws.example.com' });
    const older = (call: typeof SEED_CALL_A) => ({
      participants: [call.party],
      participantsInfo: [{ digits: call.party, e164Number: '', formattedPhoneNumber: call.party }],
      id: call.id,
    });
    const a = { ...SEED_CALL_A, id: '007102385535e005' };
    const b = { ...SEED_CALL_B, id: '007102385535e006', parentId: a.id };
    script.notify(a, 'Established', 100, { callFields: older(a) });
    script.post(
      a,
      'InitiateTransfer',
      200,
      { destination: { phoneNumber: '5001' } },
      { path: `api/v2/me/calls/${a.id}` },
    );
    script.notify(a, 'Held', 250, { callFields: older(a) });
    script.notify(b, 'Dialing', 270, { callFields: older(b) });
    script.post(b, 'CompleteTransfer', 900, {}, { path: `https://gws.example.com/api/v2/me/calls/${b.id}` });
    script.notify(a, 'Released', 950, { callFields: older(a) });
    script.notify(b, 'Released', 960, { callFields: older(b) });
    const analysis = analyzeSession(script.rows({ source: 'har-import', listenOrigin: null }));
    expect(analysis.transfers).toEqual([
      expect.objectContaining({
        kind: 'two-step',
        originalCallId: a.id,
        consultCallId: b.id,
        ok: true,
        steps: { initiateToDialingMs: 70, dialingToCompleteMs: 630, completeToReleasedMs: 60 },
      }),
    ]);
    expect(analysis.calls[1]?.participants).toEqual(['5001']);
    expect(analysis.anomalies).toEqual([]);
  });
});

describe('analyzeSession at scale', () => {
  it('analyzes 10,000 transfers (60,000 notifications, 30,000 requests) in linear time', () => {
    const script = new RecordingScript();
    const transfers = 10_000;
    for (let i = 0; i < transfers; i++) {
      const t = i * 1000;
      const a = { ...SEED_CALL_A, id: `A${i}` };
      const b = { ...SEED_CALL_B, id: `B${i}`, parentId: a.id };
      script.notify(a, 'Ringing', t);
      script.post(a, 'Answer', t + 100);
      script.notify(a, 'Established', t + 140);
      script.post(a, 'InitiateTransfer', t + 300, { destination: { phoneNumber: '5001' } });
      script.notify(a, 'Held', t + 350);
      script.notify(b, 'Dialing', t + 380);
      script.post(b, 'CompleteTransfer', t + 600);
      script.notify(a, 'Released', t + 650);
      script.notify(b, 'Released', t + 680);
    }
    const rows = script.rows();
    const startMs = performance.now();
    const analysis = analyzeSession(rows);
    const tookMs = performance.now() - startMs;
    expect(analysis.transfers.filter((t) => t.ok)).toHaveLength(transfers);
    expect(analysis.anomalies).toEqual([]);
    // quadratic matching would take minutes here; linear takes well under a second on a quiet machine
    expect(tookMs).toBeLessThan(5000);
  });
});
