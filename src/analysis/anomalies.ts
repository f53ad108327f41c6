// The checks that flag what went wrong: failed requests, forbidden or out-of-order state changes, unreleased calls.
import type { CallChange, CallNotification } from './call-model.js';
import { operationFailure } from './operations.js';
import type { Notification } from './read-notification.js';
import type { Anomaly, Call, Operation } from './types.js';

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

/**
 * Operations that move a call into a state, keyed `from->to` or `*->to`; a change listed here needs one of them in
 * the capabilities the call had before it (or a linked request of that name, posted on another call of the pair).
 * States entered without a request (Established after Dialing or Ringing: the other party answered, or a
 * `Public` device answered by hand; Released: the other party hung up) are not listed, so never flagged.
 */
export const STATE_CHANGE_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  '*->Held': ['Hold', 'InitiateTransfer', 'InitiateConference', 'SwapCalls'],
  'Held->Established': ['Retrieve', 'SwapCalls', 'CompleteConference'],
};

const operationsFor = (from: string, to: string): readonly string[] | undefined =>
  STATE_CHANGE_OPERATIONS[`${from}->${to}`] ?? STATE_CHANGE_OPERATIONS[`*->${to}`];

/** A request whose statusCode is not 0 (or that got no usable response at all). */
export const requestFailed = (op: Operation): Anomaly | null => {
  if (op.isAccepted) return null;
  const on = op.callId ? ` on call ${op.callId}` : '';
  return {
    kind: 'request-failed',
    callId: op.callId,
    atMs: op.startMs,
    exchangeId: op.exchangeId,
    operationName: op.operationName,
    statusCode: op.statusCode,
    httpStatus: op.httpStatus,
    message: operationFailure(op, `${on} at ${fmt(op.startMs)}`),
  };
};

/** Checks one call notification against the call as it was before it. */
export const checkCallChange = (
  n: CallNotification,
  change: CallChange,
  linked: readonly Operation[],
): Anomaly[] => {
  const found: Anomaly[] = [];
  const { call, previousState, previousCapabilities, previousDurationS } = change;
  const atMs = n.row.atMs;
  const messageRowId = n.row.id;
  const state = n.call.state;
  if (previousState === 'Released' && state !== null && state !== 'Released') {
    found.push({
      kind: 'out-of-order',
      reason: 'after-released',
      callId: call.id,
      atMs,
      messageRowId,
      message: `call ${call.id} went ${state} at ${fmt(atMs)}, after it was Released`,
    });
  } else if (
    change.isStateChange &&
    previousState !== null &&
    state !== null &&
    previousCapabilities !== null
  ) {
    const needed = operationsFor(previousState, state);
    const isAllowed =
      needed === undefined ||
      needed.some((name) => previousCapabilities.includes(name)) ||
      linked.some((op) => needed.includes(op.operationName));
    if (!isAllowed) {
      found.push({
        kind: 'capability-violation',
        callId: call.id,
        atMs,
        fromState: previousState,
        toState: state,
        capabilities: previousCapabilities,
        messageRowId,
        message:
          `call ${call.id} went ${previousState} -> ${state} at ${fmt(atMs)}, but its capabilities ` +
          `[${previousCapabilities.join(', ')}] offered none of ${needed.join(', ')}`,
      });
    }
  }
  if (n.call.durationS !== null && previousDurationS !== null && n.call.durationS < previousDurationS) {
    found.push({
      kind: 'out-of-order',
      reason: 'duration-went-back',
      callId: call.id,
      atMs,
      messageRowId,
      message:
        `call ${call.id}: notification at ${fmt(atMs)} has duration ${n.call.durationS} s, less than the ` +
        `${previousDurationS} s of the one before it (sent earlier, delivered later?)`,
    });
  }
  return found;
};

/** A notification stored after another but stamped earlier. */
export const timeWentBack = (n: Notification, previousAtMs: number): Anomaly => ({
  kind: 'out-of-order',
  reason: 'time-went-back',
  callId: n.kind === 'call' ? n.call.id : null,
  atMs: n.row.atMs,
  messageRowId: n.row.id,
  message: `message ${n.row.id} is stamped ${fmt(n.row.atMs)}, before the notification stored ahead of it (${fmt(previousAtMs)})`,
});

/** An ErrorMessage notification: GWS failed an accepted request afterwards (GWS-NOTES §5.5). */
export const errorNotification = (n: Extract<Notification, { kind: 'error' }>): Anomaly => ({
  kind: 'error-notification',
  callId: n.callId,
  atMs: n.row.atMs,
  errorCode: n.errorCode,
  messageRowId: n.row.id,
  message:
    `ErrorMessage at ${fmt(n.row.atMs)}${n.callId ? ` for call ${n.callId}` : ''}` +
    `${n.errorCode !== null ? ` (errorCode ${n.errorCode})` : ''}${n.errorMessage ? `: ${n.errorMessage}` : ''}`,
});

/**
 * Calls whose last state is not Released at `endMs`, the session's last row. While a session is still being
 * recorded (`isSessionOver` false) they are reported too, worded as "not yet", so a live view can show them.
 */
export const neverReleased = (calls: Iterable<Call>, endMs: number, isSessionOver = true): Anomaly[] => {
  const found: Anomaly[] = [];
  for (const call of calls) {
    const lastSpan = call.states.at(-1);
    const last = lastSpan?.state ?? null;
    if (last === 'Released') continue;
    const since = lastSpan ? ` since ${fmt(lastSpan.atMs)}` : '';
    found.push({
      kind: 'never-released',
      callId: call.id,
      atMs: endMs,
      lastState: last,
      message: isSessionOver
        ? `call ${call.id} was never Released: ${last ?? 'no state'}${since} when the session ended at ${fmt(endMs)}`
        : `call ${call.id} is not Released yet: ${last ?? 'no state'}${since} at the last row (${fmt(endMs)}); the session is still open`,
    });
  }
  return found;
};
