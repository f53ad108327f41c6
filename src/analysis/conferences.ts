// Finds the conferences in a session and measures them like transfers (InitiateConference -> CompleteConference).
import { operationFailure } from './operations.js';
import { measureConsult, type TransferContext } from './transfer-steps.js';
import type { Transfer } from './types.js';

/**
 * Every conference, in request order: two-step (InitiateConference, consult Dialing, CompleteConference, consult
 * Released) and single-step (SingleStepConference, the call updated).
 */
export const findConferences = (ctx: TransferContext): Transfer[] => {
  const conferences: Transfer[] = [];
  for (const op of ctx.operations) {
    if (op.operationName === 'InitiateConference') {
      const m = measureConsult(op, 'CompleteConference', 'consult', ctx);
      // the parent is updated with both parties once the consult is Released (GWS-NOTES §9)
      const updatedAtMs = m.complete?.expectations.find((e) => e.role === 'original')?.metAtMs ?? null;
      conferences.push({
        kind: 'conference',
        isSingleStep: false,
        originalCallId: m.originalCallId,
        consultCallId: m.consultCallId,
        destination: m.destination,
        atMs: op.startMs,
        initiateExchangeId: op.exchangeId,
        completeExchangeId: m.complete?.exchangeId ?? null,
        steps: {
          ...m.steps,
          completeToUpdatedMs:
            updatedAtMs === null || m.complete === null ? null : updatedAtMs - m.complete.startMs,
          requestToDoneMs: null,
        },
        ok: m.ok,
        problem: m.problem,
      });
    } else if (op.operationName === 'SingleStepConference') {
      const doneAtMs = op.expectations[0]?.metAtMs ?? null;
      const problem = !op.isAccepted
        ? operationFailure(op)
        : doneAtMs === null
          ? `call ${op.callId ?? '?'} was not updated after SingleStepConference`
          : null;
      conferences.push({
        kind: 'conference',
        isSingleStep: true,
        originalCallId: op.callId,
        consultCallId: null,
        destination: op.params.destination,
        atMs: op.startMs,
        initiateExchangeId: op.exchangeId,
        completeExchangeId: null,
        steps: {
          initiateToDialingMs: null,
          dialingToCompleteMs: null,
          completeToReleasedMs: null,
          completeToUpdatedMs: null,
          requestToDoneMs: doneAtMs === null ? null : doneAtMs - op.startMs,
        },
        ok: problem === null,
        problem,
      });
    }
  }
  return conferences;
};
