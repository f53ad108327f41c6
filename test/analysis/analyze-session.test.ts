import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../src/analysis/index.js';
import {
  failedCompleteTransfer,
  neverReleasedCall,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  SEED_TIMES,
  seedTwoStepTransfer,
  singleStepTransfer,
  twoStepConference,
} from '../helpers/rows.js';

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
    expect(transfer?.problem).toMatch(/CompleteTransfer failed \(statusCode 2/);
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
