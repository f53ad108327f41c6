import { describe, expect, it } from 'vitest';
import { analyzeSession, toAnalyzeJson } from '../../src/analysis/index.js';
import {
  failedCompleteTransfer,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  SEED_TIMES,
  seedTwoStepTransfer,
  singleStepTransfer,
  twoStepConference,
} from '../helpers/rows.js';

describe('toAnalyzeJson', () => {
  it('gives the seed scenario in the shape the issue fixes', () => {
    const json = toAnalyzeJson(analyzeSession(seedTwoStepTransfer().rows({ id: 4, name: 'seed' })));
    expect(json.session).toMatchObject({ id: 4, name: 'seed' });
    expect(
      json.calls.map((c) => ({
        id: c.id,
        callType: c.callType,
        parentId: c.parentId,
        states: c.states.map(({ state, atMs }) => ({ state, atMs })),
      })),
    ).toEqual([
      {
        id: SEED_CALL_A.id,
        callType: 'Internal',
        parentId: null,
        states: [
          { state: 'Ringing', atMs: SEED_TIMES.ringing },
          { state: 'Established', atMs: SEED_TIMES.established },
          { state: 'Held', atMs: SEED_TIMES.held },
          { state: 'Released', atMs: SEED_TIMES.releasedA },
        ],
      },
      {
        id: SEED_CALL_B.id,
        callType: 'Consult',
        parentId: SEED_CALL_A.id,
        states: [
          { state: 'Dialing', atMs: SEED_TIMES.dialing },
          { state: 'Released', atMs: SEED_TIMES.releasedB },
        ],
      },
    ]);
    expect(json.transfers).toEqual([
      expect.objectContaining({
        kind: 'two-step',
        originalCallId: SEED_CALL_A.id,
        consultCallId: SEED_CALL_B.id,
        destination: '5001',
        steps: expect.objectContaining(SEED_STEPS),
        ok: true,
        exchangeIds: json.operations.filter((op) => op.operationName !== 'Answer').map((op) => op.exchangeId),
      }),
    ]);
    expect(json.anomalies).toEqual([]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('lists anomalies with kind, callId, atMs and message first, details after', () => {
    const json = toAnalyzeJson(analyzeSession(failedCompleteTransfer().rows()));
    expect(json.anomalies.map((a) => Object.keys(a).slice(0, 4))).toEqual(
      json.anomalies.map(() => ['kind', 'callId', 'atMs', 'message']),
    );
    expect(json.transfers[0]).toMatchObject({ ok: false, problem: expect.stringContaining('statusCode 2') });
  });

  it('keeps single-step transfers in transfers and conferences apart', () => {
    const single = toAnalyzeJson(analyzeSession(singleStepTransfer().rows()));
    expect(single.transfers).toEqual([
      expect.objectContaining({
        kind: 'single-step',
        consultCallId: null,
        steps: {
          initiateToDialingMs: null,
          dialingToCompleteMs: null,
          completeToReleasedMs: null,
          requestToReleasedMs: 70,
        },
      }),
    ]);
    const conference = toAnalyzeJson(analyzeSession(twoStepConference().rows()));
    expect(conference.transfers).toEqual([]);
    expect(conference.conferences).toEqual([expect.objectContaining({ kind: 'two-step', ok: true })]);
  });

  it('rounds times to the microsecond', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 1.23456789);
    const json = toAnalyzeJson(analyzeSession(script.rows()));
    expect(json.calls[0]?.states[0]?.atMs).toBe(1.235);
  });

  it('links each operation to its notifications by message row id', () => {
    const json = toAnalyzeJson(analyzeSession(seedTwoStepTransfer().rows()));
    expect(json.operations.map((op) => [op.operationName, op.latencyMs, op.notifications.length])).toEqual([
      ['Answer', 4, 1],
      ['InitiateTransfer', 4, 2],
      ['CompleteTransfer', 4, 2],
    ]);
  });
});
