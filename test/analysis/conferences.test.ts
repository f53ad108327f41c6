import { describe, expect, it } from 'vitest';
import { analyzeSession, toAnalyzeJson } from '../../src/analysis/index.js';
import { RecordingScript, SEED_CALL_A, twoStepConference } from '../helpers/rows.js';

describe('conferences', () => {
  it('measures a two-step conference and keeps it out of the transfers of the JSON', () => {
    const analysis = analyzeSession(twoStepConference().rows());
    expect(analysis.transfers.map((t) => t.kind)).toEqual(['conference']);
    expect(analysis.transfers[0]).toMatchObject({ ok: true, destination: '5001', isSingleStep: false });
    // twoStepConference: InitiateConference 4000, Dialing 4080, CompleteConference 7000, consult Released 7060,
    // the original updated 7090
    expect(analysis.transfers[0]?.steps).toEqual({
      initiateToDialingMs: 80,
      dialingToCompleteMs: 2920,
      completeToReleasedMs: 60,
      completeToUpdatedMs: 90,
      requestToDoneMs: null,
    });
    const json = toAnalyzeJson(analysis);
    expect(json.transfers).toEqual([]);
    expect(json.conferences.map((c) => [c.kind, c.steps.completeToUpdatedMs])).toEqual([['two-step', 90]]);
  });

  it('measures a single-step conference until the call is updated', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(SEED_CALL_A, 'SingleStepConference', 200, { destination: { phoneNumber: '5002' } });
    script.notify(SEED_CALL_A, 'Established', 265, { notificationType: 'ParticipantsUpdated' });
    script.notify(SEED_CALL_A, 'Released', 900);
    expect(analyzeSession(script.rows()).transfers).toEqual([
      expect.objectContaining({
        kind: 'conference',
        isSingleStep: true,
        destination: '5002',
        consultCallId: null,
        ok: true,
        steps: {
          initiateToDialingMs: null,
          dialingToCompleteMs: null,
          completeToReleasedMs: null,
          completeToUpdatedMs: null,
          requestToDoneMs: 65,
        },
      }),
    ]);
  });

  it('says why a single-step conference failed', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(SEED_CALL_A, 'SingleStepConference', 200, { destination: { phoneNumber: '5002' } });
    script.notify(SEED_CALL_A, 'Released', 9000);
    expect(analyzeSession(script.rows()).transfers[0]).toMatchObject({
      ok: false,
      problem: `call ${SEED_CALL_A.id} was not updated after SingleStepConference`,
    });
  });

  it('says why GWS refused a conference, with the statusMessage, as for a transfer', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(
      SEED_CALL_A,
      'SingleStepConference',
      200,
      { destination: { phoneNumber: '5002' } },
      { statusCode: 3, statusMessage: 'Not allowed in this state', httpStatus: 400 },
    );
    script.post(
      SEED_CALL_A,
      'InitiateConference',
      300,
      { destination: { phoneNumber: '5002' } },
      { statusCode: 3, statusMessage: 'Not allowed either' },
    );
    script.notify(SEED_CALL_A, 'Released', 900);
    expect(analyzeSession(script.rows()).transfers.map((t) => t.problem)).toEqual([
      'SingleStepConference failed with statusCode 3: Not allowed in this state',
      'InitiateConference failed with statusCode 3: Not allowed either',
    ]);
  });
});
