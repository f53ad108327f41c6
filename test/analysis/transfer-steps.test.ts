import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../src/analysis/index.js';
import {
  RecordingScript,
  type ScriptCall,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  SEED_TIMES,
  seedUpToConsult,
} from '../helpers/rows.js';

const SECOND_CONSULT: ScriptCall = {
  ...SEED_CALL_B,
  id: '011DJV5JI898NB2L04000VTAES000007',
  connId: '007102385535e007',
  party: '5002',
  dnis: '5002',
};

/** Cancels the seed's consult: Hangup on it, Retrieve the original. */
const cancelConsult = (script: RecordingScript, atMs: number): void => {
  script.post(SEED_CALL_B, 'Hangup', atMs);
  script.notify(SEED_CALL_B, 'Released', atMs + 40);
  script.post(SEED_CALL_A, 'Retrieve', atMs + 1000);
  script.notify(SEED_CALL_A, 'Established', atMs + 1040);
};

describe('transfer steps', () => {
  it('a cancelled consult is a transfer that was never completed', () => {
    const script = seedUpToConsult();
    cancelConsult(script, 40_000);
    const [transfer] = analyzeSession(script.rows()).transfers;
    expect(transfer).toMatchObject({
      kind: 'two-step',
      ok: false,
      completeExchangeId: null,
      problem: 'CompleteTransfer was never requested (consult call Released at 40040.0 ms)',
      steps: {
        initiateToDialingMs: SEED_STEPS.initiateToDialingMs,
        dialingToCompleteMs: null,
        completeToReleasedMs: null,
      },
    });
  });

  it('measures a retried CompleteTransfer from the accepted request', () => {
    const script = seedUpToConsult();
    script.post(SEED_CALL_B, 'CompleteTransfer', 48_000, {}, { statusCode: 4, httpStatus: 503 });
    script.post(SEED_CALL_B, 'CompleteTransfer', SEED_TIMES.complete);
    script.notify(SEED_CALL_A, 'Released', SEED_TIMES.releasedA);
    script.notify(SEED_CALL_B, 'Released', SEED_TIMES.releasedB);
    const analysis = analyzeSession(script.rows());
    expect(analysis.transfers).toEqual([expect.objectContaining({ ok: true, steps: SEED_STEPS })]);
    expect(analysis.anomalies.map((a) => a.kind)).toEqual(['request-failed']);
  });

  it('keeps two transfers of one call apart, each with its own consult', () => {
    const script = seedUpToConsult();
    cancelConsult(script, 40_000);
    script.post(SEED_CALL_A, 'InitiateTransfer', 50_000, { destination: { phoneNumber: '5002' } });
    script.notify(SEED_CALL_A, 'Held', 50_050);
    script.notify(SECOND_CONSULT, 'Dialing', 50_070);
    script.post(SECOND_CONSULT, 'CompleteTransfer', 55_000);
    script.notify(SEED_CALL_A, 'Released', 55_040);
    script.notify(SECOND_CONSULT, 'Released', 55_055);
    const transfers = analyzeSession(script.rows()).transfers;
    expect(transfers.map((t) => [t.consultCallId, t.destination, t.ok])).toEqual([
      [SEED_CALL_B.id, '5001', false],
      [SECOND_CONSULT.id, '5002', true],
    ]);
    expect(transfers[1]?.steps).toEqual({
      initiateToDialingMs: 70,
      dialingToCompleteMs: 4930,
      completeToReleasedMs: 55,
    });
  });

  it('finds the consult of a CompleteTransfer posted on the original with consultCallUri', () => {
    const script = seedUpToConsult();
    script.post(SEED_CALL_A, 'CompleteTransfer', SEED_TIMES.complete, {
      consultCallUri: `https://gws.example.com/api/v2/me/calls/${SEED_CALL_B.id}`,
    });
    script.notify(SEED_CALL_A, 'Released', SEED_TIMES.releasedA);
    script.notify(SEED_CALL_B, 'Released', SEED_TIMES.releasedB);
    const analysis = analyzeSession(script.rows());
    expect(analysis.transfers).toEqual([expect.objectContaining({ ok: true, steps: SEED_STEPS })]);
    expect(analysis.anomalies).toEqual([]);
  });

  it('says why when InitiateTransfer is refused or no consult call appears', () => {
    const refused = new RecordingScript();
    refused.notify(SEED_CALL_A, 'Established', 100);
    refused.post(
      SEED_CALL_A,
      'InitiateTransfer',
      200,
      { destination: { phoneNumber: '5001' } },
      { statusCode: 1, statusMessage: 'destination missing' },
    );
    refused.notify(SEED_CALL_A, 'Released', 900);
    expect(analyzeSession(refused.rows()).transfers[0]).toMatchObject({
      ok: false,
      consultCallId: null,
      problem: 'InitiateTransfer failed with statusCode 1: destination missing',
    });

    const lost = new RecordingScript();
    lost.notify(SEED_CALL_A, 'Established', 100);
    lost.post(SEED_CALL_A, 'InitiateTransfer', 200, { destination: { phoneNumber: '5001' } });
    lost.notify(SEED_CALL_A, 'Held', 250);
    const analysis = analyzeSession(lost.rows());
    expect(analysis.transfers[0]).toMatchObject({
      ok: false,
      problem: 'no consult call appeared after InitiateTransfer',
    });
    expect(analysis.anomalies.map((a) => a.kind)).toContain('missing-notification');
  });

  it('reports a consult that skipped Dialing, and takes the destination from the consult when the request had none', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(SEED_CALL_A, 'InitiateTransfer', 200, { destination: '[REDACTED]' as unknown as string });
    script.notify(SEED_CALL_A, 'Held', 250);
    script.notify(SEED_CALL_B, 'Established', 270);
    script.post(SEED_CALL_B, 'CompleteTransfer', 1000);
    script.notify(SEED_CALL_A, 'Released', 1040);
    script.notify(SEED_CALL_B, 'Released', 1050);
    const [transfer] = analyzeSession(script.rows()).transfers;
    expect(transfer).toMatchObject({
      consultCallId: SEED_CALL_B.id,
      destination: '[REDACTED]',
      ok: false,
      problem: `consult call ${SEED_CALL_B.id} never went Dialing`,
      steps: { initiateToDialingMs: null, dialingToCompleteMs: null, completeToReleasedMs: 50 },
    });
    const noParam = new RecordingScript();
    noParam.notify(SEED_CALL_A, 'Established', 100);
    noParam.post(SEED_CALL_A, 'InitiateTransfer', 200);
    noParam.notify(SEED_CALL_A, 'Held', 250);
    noParam.notify(SEED_CALL_B, 'Dialing', 270);
    expect(analyzeSession(noParam.rows()).transfers[0]?.destination).toBe('5001');
  });
});
