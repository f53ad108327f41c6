// Finds the transfers in a session and measures each step (seed: InitiateTransfer -> consult Dialing -> CompleteTransfer -> both Released).
import { operationFailure } from './operations.js';
import type { Call, ConsultSteps, Operation, Transfer } from './types.js';

/** What transfers and conferences are measured from: the session's operations and calls, after the pass. */
export interface TransferContext {
  /** in request order */
  operations: readonly Operation[];
  call(id: string | null): Call | undefined;
  /** consult calls of a parent, in order of first appearance */
  childrenOf(parentId: string): readonly Call[];
  /** operations posted on a call, in request order */
  operationsOn(callId: string): readonly Operation[];
}

/** A consult-based transfer or conference, before it is labelled. */
export interface ConsultMeasure {
  originalCallId: string | null;
  consultCallId: string | null;
  destination: string | null;
  complete: Operation | null;
  steps: ConsultSteps;
  ok: boolean;
  problem: string | null;
}

const unmet = (op: Operation): string | null => {
  const missing = op.expectations.find((e) => e.metAtMs === null);
  return missing ? `no ${missing.description} notification after ${op.operationName}` : null;
};

const releasedAfter = (call: Call | undefined, fromMs: number): number | null =>
  call?.releasedAtMs != null && call.releasedAtMs >= fromMs ? call.releasedAtMs : null;

/** The consult call an Initiate* created: the one its expectations bound, else the first child seen after it. */
const consultOf = (initiate: Operation, ctx: TransferContext): Call | undefined => {
  const bound = initiate.expectations.find((e) => e.role === 'new-consult')?.callId ?? null;
  if (bound !== null) return ctx.call(bound);
  if (initiate.callId === null) return undefined;
  return ctx.childrenOf(initiate.callId).find((c) => c.firstSeenMs >= initiate.startMs);
};

/**
 * The Complete* request that finished this consult: posted on the consult, or on the original naming the consult
 * (or naming none) before the original's next accepted Initiate*. The first accepted one wins; else the first tried.
 */
const completeOf = (
  initiate: Operation,
  completeName: string,
  consultId: string | null,
  ctx: TransferContext,
): Operation | null => {
  const candidates = new Set<Operation>();
  if (consultId !== null) {
    for (const op of ctx.operationsOn(consultId)) {
      if (op.operationName === completeName && op.startMs >= initiate.startMs) candidates.add(op);
    }
  }
  if (initiate.callId !== null) {
    for (const op of ctx.operationsOn(initiate.callId)) {
      if (op.startMs < initiate.startMs || op === initiate) continue;
      if (op.operationName === initiate.operationName && op.isAccepted) break;
      if (op.operationName === completeName && (op.params.consultCallId ?? consultId) === consultId) {
        candidates.add(op);
      }
    }
  }
  const ordered = [...candidates].sort((a, b) => a.startMs - b.startMs);
  return ordered.find((op) => op.isAccepted) ?? ordered[0] ?? null;
};

/**
 * Measures a two-step transfer (`completeName` 'CompleteTransfer') or conference ('CompleteConference') from its
 * Initiate* request. `releasedOf` says which calls must be Released after the Complete* request.
 */
export const measureConsult = (
  initiate: Operation,
  completeName: string,
  releasedOf: 'both' | 'consult',
  ctx: TransferContext,
): ConsultMeasure => {
  const original = ctx.call(initiate.callId);
  const consult = consultOf(initiate, ctx);
  const dialingAtMs =
    consult?.states.find((s) => s.state === 'Dialing' && s.atMs >= initiate.startMs)?.atMs ?? null;
  const complete = initiate.isAccepted ? completeOf(initiate, completeName, consult?.id ?? null, ctx) : null;
  let releasedAtMs: number | null = null;
  if (complete) {
    const consultReleased = releasedAfter(consult, complete.startMs);
    const originalReleased = releasedOf === 'both' ? releasedAfter(original, complete.startMs) : 0;
    if (consultReleased !== null && originalReleased !== null)
      releasedAtMs = Math.max(consultReleased, originalReleased);
  }
  const steps: ConsultSteps = {
    initiateToDialingMs: dialingAtMs === null ? null : dialingAtMs - initiate.startMs,
    dialingToCompleteMs: dialingAtMs === null || complete === null ? null : complete.startMs - dialingAtMs,
    completeToReleasedMs: releasedAtMs === null || complete === null ? null : releasedAtMs - complete.startMs,
  };
  const which = releasedOf === 'both' ? 'the two calls were not both' : 'the consult call was not';
  const problem = !initiate.isAccepted
    ? operationFailure(initiate)
    : !consult
      ? `no consult call appeared after ${initiate.operationName}`
      : dialingAtMs === null
        ? `consult call ${consult.id} never went Dialing`
        : !complete
          ? `${completeName} was never requested${consult.releasedAtMs !== null ? ` (consult call Released at ${consult.releasedAtMs.toFixed(1)} ms)` : ''}`
          : !complete.isAccepted
            ? operationFailure(complete)
            : releasedAtMs === null
              ? `${which} Released after ${completeName}`
              : (unmet(initiate) ?? unmet(complete));
  return {
    originalCallId: initiate.callId,
    consultCallId: consult?.id ?? null,
    destination: initiate.params.destination ?? consult?.dnis ?? consult?.participants[0] ?? null,
    complete,
    steps,
    ok: problem === null,
    problem,
  };
};

/** The exchange ids of a transfer's requests: Initiate* and Complete* (once requested), or the single-step request. */
export const transferExchangeIds = (t: Transfer): number[] => {
  switch (t.kind) {
    case 'two-step':
    case 'conference':
      return t.completeExchangeId === null
        ? [t.initiateExchangeId]
        : [t.initiateExchangeId, t.completeExchangeId];
    case 'single-step':
      return [t.requestExchangeId];
    default: {
      const unreachable: never = t;
      return unreachable;
    }
  }
};

/** Every two-step (InitiateTransfer ... CompleteTransfer) and single-step transfer, in request order. */
export const findTransfers = (ctx: TransferContext): Transfer[] => {
  const transfers: Transfer[] = [];
  for (const op of ctx.operations) {
    if (op.operationName === 'InitiateTransfer') {
      const m = measureConsult(op, 'CompleteTransfer', 'both', ctx);
      transfers.push({
        kind: 'two-step',
        originalCallId: m.originalCallId,
        consultCallId: m.consultCallId,
        destination: m.destination,
        atMs: op.startMs,
        initiateExchangeId: op.exchangeId,
        completeExchangeId: m.complete?.exchangeId ?? null,
        steps: m.steps,
        ok: m.ok,
        problem: m.problem,
      });
    } else if (op.operationName === 'SingleStepTransfer') {
      const releasedAtMs = op.isAccepted ? releasedAfter(ctx.call(op.callId), op.startMs) : null;
      const problem = !op.isAccepted
        ? operationFailure(op)
        : releasedAtMs === null
          ? `call ${op.callId ?? '?'} was not Released after SingleStepTransfer`
          : unmet(op);
      transfers.push({
        kind: 'single-step',
        originalCallId: op.callId,
        consultCallId: null,
        destination: op.params.destination,
        atMs: op.startMs,
        requestExchangeId: op.exchangeId,
        steps: { requestToDoneMs: releasedAtMs === null ? null : releasedAtMs - op.startMs },
        ok: problem === null,
        problem,
      });
    }
  }
  return transfers;
};
