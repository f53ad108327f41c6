import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../src/analysis/index.js';
import { analyzeSession } from '../../src/analysis/index.js';
import {
  failedCompleteTransfer,
  heldWhileRinging,
  operationExchange,
  outOfOrderRelease,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_TIMES,
  seedTwoStepTransfer,
} from '../helpers/rows.js';

const kinds = (anomalies: Anomaly[]) =>
  anomalies.map((a) => (a.kind === 'out-of-order' ? `${a.kind}:${a.reason}` : a.kind));

describe('anomalies', () => {
  it('flags a request whose statusCode is not 0, one refused by HTTP, and one that got no response', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(
      SEED_CALL_A,
      'Hold',
      200,
      {},
      { statusCode: 4, statusMessage: 'Voice service is not available at this time', httpStatus: 503 },
    );
    script.notify(SEED_CALL_A, 'Released', 300);
    const { session, exchanges, messages } = script.rows();
    const unreachable = operationExchange({
      id: 90,
      startMs: 250,
      status: 502,
      responseBody: Buffer.from('{"error":"VCR_UPSTREAM_UNREACHABLE"}'),
      requestBody: Buffer.from('{"operationName":"Retrieve"}'),
      path: `/api/v2/me/calls/${SEED_CALL_A.id}`,
    });
    const aborted = operationExchange({
      id: 91,
      startMs: 260,
      status: null,
      responseBody: null,
      firstByteMs: null,
      endMs: null,
    });
    const analysis = analyzeSession({ session, exchanges: [...exchanges, unreachable, aborted], messages });
    expect(analysis.anomalies.filter((a) => a.kind === 'request-failed')).toEqual([
      expect.objectContaining({
        statusCode: 4,
        httpStatus: 503,
        atMs: 200,
        callId: SEED_CALL_A.id,
        message: `Hold on call ${SEED_CALL_A.id} at 200.0 ms failed with statusCode 4: Voice service is not available at this time`,
      }),
      expect.objectContaining({
        operationName: 'Retrieve',
        statusCode: null,
        httpStatus: 502,
        message: `Retrieve on call ${SEED_CALL_A.id} at 250.0 ms failed with HTTP 502 and no statusCode`,
      }),
      expect.objectContaining({
        operationName: 'Answer',
        message: expect.stringMatching(/^Answer on call \S+ at 260\.0 ms got no response$/),
      }),
    ]);
  });

  // The seed's refused CompleteTransfer, then a SingleStepTransfer on call A refused as each row says: both
  // anomaly and transfer problem name the operation, then `failed`, then GWS's statusMessage if it sent one.
  it.each([
    {
      refusal: 'statusCode 5, no statusMessage',
      status: 403,
      responseBody: '{"statusCode":5}',
      failure: 'failed with statusCode 5',
    },
    {
      refusal: 'statusCode "5" and a statusMessage',
      status: 500,
      responseBody: '{"statusCode":"5","statusMessage":"Voice service restarting"}',
      failure: 'failed with HTTP 500 and no statusCode: Voice service restarting',
    },
  ])(
    'words a request refused with $refusal the same in its anomaly and in the transfer it broke',
    ({ status, responseBody, failure }) => {
      const { session, exchanges, messages } = failedCompleteTransfer().rows();
      const singleStep = operationExchange({
        id: 90,
        startMs: SEED_TIMES.complete + 100,
        status,
        path: `/api/v2/me/calls/${SEED_CALL_A.id}`,
        requestBody: Buffer.from(
          '{"operationName":"SingleStepTransfer","destination":{"phoneNumber":"5002"}}',
        ),
        responseBody: Buffer.from(responseBody),
      });
      const analysis = analyzeSession({ session, exchanges: [...exchanges, singleStep], messages });
      const failed = analysis.anomalies.filter((a) => a.kind === 'request-failed').map((a) => a.message);
      const completeFailure = 'failed with statusCode 2: CompleteTransfer is not valid for the current state';
      expect(failed).toEqual([
        `CompleteTransfer on call ${SEED_CALL_B.id} at 48900.0 ms ${completeFailure}`,
        `SingleStepTransfer on call ${SEED_CALL_A.id} at 49000.0 ms ${failure}`,
      ]);
      expect(analysis.transfers.map((t) => t.problem)).toEqual([
        `CompleteTransfer ${completeFailure}`,
        `SingleStepTransfer ${failure}`,
      ]);
    },
  );

  it('flags a state change the capabilities did not allow', () => {
    const analysis = analyzeSession(heldWhileRinging().rows());
    expect(analysis.anomalies).toEqual([
      expect.objectContaining({
        kind: 'capability-violation',
        callId: SEED_CALL_A.id,
        atMs: 1500,
        fromState: 'Ringing',
        toState: 'Held',
        capabilities: ['UpdateUserData', 'DeleteUserData', 'AttachUserData', 'DeleteUserDataPair', 'Answer'],
      }),
    ]);
  });

  it('lets the other party cause what it can: answering, hanging up', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100, { capabilities: [] });
    script.notify(SEED_CALL_A, 'Established', 200);
    script.notify(SEED_CALL_A, 'Released', 300);
    expect(analyzeSession(script.rows()).anomalies).toEqual([]);
  });

  it('accepts leaving Held through a linked request on the other call of the pair (CompleteConference)', () => {
    const heldCaps = ['Hangup', 'UpdateUserData'];
    const withRequest = new RecordingScript();
    withRequest.notify(SEED_CALL_A, 'Held', 100, { capabilities: heldCaps });
    withRequest.notify(SEED_CALL_B, 'Established', 150);
    withRequest.post(SEED_CALL_B, 'CompleteConference', 200);
    withRequest.notify(SEED_CALL_B, 'Released', 240);
    withRequest.notify(SEED_CALL_A, 'Established', 260, { notificationType: 'ParticipantsUpdated' });
    withRequest.notify(SEED_CALL_A, 'Released', 400);
    expect(kinds(analyzeSession(withRequest.rows()).anomalies)).toEqual([]);

    const without = new RecordingScript();
    without.notify(SEED_CALL_A, 'Held', 100, { capabilities: heldCaps });
    without.notify(SEED_CALL_A, 'Established', 260);
    without.notify(SEED_CALL_A, 'Released', 400);
    expect(kinds(analyzeSession(without.rows()).anomalies)).toEqual(['capability-violation']);
  });

  it('flags notifications out of the documented order within an operation', () => {
    const analysis = analyzeSession(outOfOrderRelease().rows());
    expect(analysis.anomalies).toEqual([
      expect.objectContaining({ kind: 'out-of-order', reason: 'sequence', callId: SEED_CALL_A.id }),
    ]);
    expect(analysis.anomalies[0]?.message).toContain('original call Released');
  });

  it('flags a call that changes state after it was Released, and a duration that goes back', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100, { durationS: 10 });
    script.notify(SEED_CALL_A, 'Held', 200, { durationS: 8 });
    script.notify(SEED_CALL_A, 'Released', 300, { durationS: 12 });
    script.notify(SEED_CALL_A, 'Established', 400, { durationS: 13 });
    expect(kinds(analyzeSession(script.rows()).anomalies)).toEqual([
      'out-of-order:duration-went-back',
      'out-of-order:after-released',
      'never-released',
    ]);
  });

  it('flags a notification stored after another but stamped earlier', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.notify(SEED_CALL_A, 'Released', 90);
    expect(analyzeSession(script.rows()).anomalies).toEqual([
      expect.objectContaining({ kind: 'out-of-order', reason: 'time-went-back', atMs: 90, messageRowId: 2 }),
    ]);
  });

  it('flags an ErrorMessage from the server', () => {
    const script = new RecordingScript();
    script.message(100, {
      messageType: 'ErrorMessage',
      errorCode: 51,
      errorMessage: 'Invalid destination',
      callUri: `http://127.0.0.1:8080/api/v2/me/calls/${SEED_CALL_A.id}`,
    });
    expect(analyzeSession(script.rows()).anomalies).toEqual([
      {
        kind: 'error-notification',
        callId: SEED_CALL_A.id,
        atMs: 100,
        errorCode: 51,
        messageRowId: 1,
        message: `ErrorMessage at 100.0 ms for call ${SEED_CALL_A.id} (errorCode 51): Invalid destination`,
      },
    ]);
  });

  it('sorts anomalies by time', () => {
    const script = seedTwoStepTransfer();
    // failed requests are found first, before any notification is read: this one is later than the next anomalies
    script.post(SEED_CALL_A, 'Hangup', 30_000, {}, { statusCode: 2 });
    script.notify(SEED_CALL_A, 'Established', 20_000);
    const anomalies = analyzeSession(script.rows()).anomalies;
    const times = anomalies.map((a) => a.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.length).toBeGreaterThan(1);
    expect(anomalies.map((a) => [kinds([a])[0], a.atMs])).toEqual([
      ['out-of-order:time-went-back', 20_000],
      ['out-of-order:after-released', 20_000],
      ['out-of-order:duration-went-back', 20_000],
      ['request-failed', 30_000],
      ['never-released', SEED_TIMES.releasedB],
    ]);
  });
});

describe('never-released while recording', () => {
  it('says "not Released yet" when the session is still open', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    const [open] = analyzeSession(script.rows({ endedAt: null })).anomalies;
    expect(open).toMatchObject({ kind: 'never-released', lastState: 'Established' });
    expect(open?.message).toContain('is not Released yet');
    const [ended] = analyzeSession(script.rows()).anomalies;
    expect(ended?.message).toBe(
      `call ${SEED_CALL_A.id} was never Released: Established since 100.0 ms when the session ended at 100.0 ms`,
    );
  });
});
