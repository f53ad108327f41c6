// The analysis model: calls and their states, REST operations and the notifications they caused, transfers, anomalies.
//
// Terms used throughout:
// - Times: every `...Ms` field named `atMs`/`startMs`/`endMs` is ms since the session's origin, the same clock as the
//   store rows (`Exchange.startMs`, `BayeuxRow.atMs`); every field ending in `...Ms` that names a span
//   (`latencyMs`, `initiateToDialingMs`) is a duration in ms.
// - A "notification" is one Bayeux message sent to the client whose `data.messageType` is a GWS message
//   (CallStateChangeMessage, DeviceStateChangeMessage, ErrorMessage). `messageRowId` is its `BayeuxRow.id`.
// - An "operation" is one REST request with `{"operationName": ...}` in its body; `exchangeId` is its `Exchange.id`.
// - Call states are strings as GWS sent them; the known ones are in `KnownCallState`, others are kept as they came.
import type { CallState } from '../gws/index.js';
import type { Session } from '../store/index.js';

/** The states GWS documents; `StateSpan.state` may also hold one it does not. */
export type KnownCallState = CallState;

/** A time interval a call spent in one state. */
export interface StateSpan {
  /** e.g. 'Established'; an unknown state is kept as sent */
  state: string;
  /** when the notification that entered this state passed the proxy */
  atMs: number;
  /** when the next state began; null if the call was still in this state at the session's end */
  endMs: number | null;
  /** the notification that entered this state */
  messageRowId: number;
  /** `call.capabilities` of that notification; null if it had none */
  capabilities: string[] | null;
}

/** One call as the notifications described it (the latest values win, states are kept as a history). */
export interface Call {
  /** `call.id` (seed: equals callUuid; older GWS format: equals connId) */
  id: string;
  /** null if never sent */
  callUuid: string | null;
  /** 16 hex from T-Server; null if never sent */
  connId: string | null;
  /** 'Internal' | 'Inbound' | 'Outbound' | 'Consult' as sent; null if never sent */
  callType: string | null;
  /** id of the parent call, read from `parentCallUri` (any origin) or `parentCallPath`; null if none */
  parentId: string | null;
  /** phone numbers of the other parties, from the latest notification (both GWS formats) */
  participants: string[];
  /** null if never sent */
  dnis: string | null;
  /** the agent's own DN (`data.phoneNumber`); null if never sent */
  agentNumber: string | null;
  /** `call.userData` of the latest notification; null when absent (GWS omits it when empty) */
  userData: Record<string, unknown> | null;
  /** `call.capabilities` of the latest notification; null if never sent */
  capabilities: string[] | null;
  /** one span per state change, in arrival order */
  states: StateSpan[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** when the first Released notification came; null if never */
  releasedAtMs: number | null;
  /** notifications about this call, all notification types */
  notificationCount: number;
}

/** Which REST resource an operation was posted to, read from its path. */
export type OperationResource =
  /** /api/v2/me/calls/{id} */
  | 'call'
  /** /api/v2/me/devices/{id}/calls (Dial) */
  | 'device-calls'
  /** /api/v2/me/devices/{id} */
  | 'device'
  /** /api/v2/me/channels/{channel} */
  | 'channel'
  /** /api/v2/me */
  | 'me'
  | 'other';

/** A notification linked to the operation that caused it. */
export interface LinkedNotification {
  messageRowId: number;
  atMs: number;
  /** the call it was about; null for device notifications */
  callId: string | null;
  messageType: string;
  /** null when the notification had none */
  notificationType: string | null;
  /** the call state it carried; null if none */
  state: string | null;
  /** true if the operation's table of expected notifications (GWS-NOTES §4, §9) lists it */
  isExpected: boolean;
}

/**
 * Which call an expected notification is about, relative to the request:
 * - 'target': the call in the request path;
 * - 'original' / 'consult': the two calls of a CompleteTransfer/CompleteConference, whichever of them was posted to
 *   (the seed posts on the consult; a `consultCallUri` or the latest consult child names the other);
 * - 'new-consult': a call first seen after the request whose parent is the target (InitiateTransfer/Conference);
 * - 'new-call': any call first seen after the request (Dial);
 * - 'other': the call named by `otherCallUri` (SwapCalls);
 * - 'device': a DeviceStateChangeMessage (agent state, DND).
 */
export type ExpectationRole =
  | 'target'
  | 'original'
  | 'consult'
  | 'new-consult'
  | 'new-call'
  | 'other'
  | 'device';

/** One notification an operation should have produced, and whether it came in time. */
export interface ExpectationOutcome {
  role: ExpectationRole;
  /** for people, e.g. "consult call Dialing" */
  description: string;
  /** the call it was expected on, once known; null if it could not be resolved (e.g. no consult call appeared) */
  callId: string | null;
  /** when it came; null if it never came within the window */
  metAtMs: number | null;
  messageRowId: number | null;
}

export interface OperationParams {
  /** `destination.phoneNumber`: the number dialled; null if not sent */
  destination: string | null;
  /** call id from `consultCallUri`; null if not sent */
  consultCallId: string | null;
  /** call id from `otherCallUri` (SwapCalls); null if not sent */
  otherCallId: string | null;
  /** `participant` (RemoveParticipantFromConference); null if not sent */
  participant: string | null;
}

/** One REST operation: a request with `{"operationName": ...}`. */
export interface Operation {
  exchangeId: number;
  operationName: string;
  method: string;
  /** path as recorded (relative or absolute) */
  path: string;
  resource: OperationResource;
  /** the call id in the path; null unless `resource` is 'call' */
  callId: string | null;
  params: OperationParams;
  /** request start */
  startMs: number;
  /** first response byte; null if none came */
  firstByteMs: number | null;
  /** response end; null if it never ended cleanly */
  endMs: number | null;
  /** time to the first response byte (else to the end); null if no response */
  latencyMs: number | null;
  /** HTTP status; null if the client never got one */
  httpStatus: number | null;
  /** `statusCode` of the JSON response (0 = accepted); null if the body had none or did not parse */
  statusCode: number | null;
  /** `statusMessage` of the response; null if none */
  statusMessage: string | null;
  /** true when statusCode is 0 (or, without a readable body, the HTTP status is 2xx) */
  isAccepted: boolean;
  /** notifications this operation caused, in arrival order */
  notifications: LinkedNotification[];
  /** the expected notifications (empty for operations the table does not know) */
  expectations: ExpectationOutcome[];
}

/** Latencies of a two-step transfer or conference; null when a step never happened. */
export interface ConsultSteps {
  /** InitiateTransfer/InitiateConference request start -> consult call's Dialing notification */
  initiateToDialingMs: number | null;
  /** that notification -> CompleteTransfer/CompleteConference request start */
  dialingToCompleteMs: number | null;
  /** Complete request start -> the later Released notification (transfer: both calls; conference: the consult) */
  completeToReleasedMs: number | null;
}

/** Latency of a single-step transfer or conference. */
export interface SingleStepSteps {
  /** request start -> the call's Released (transfer) or its update (conference); null if none came */
  requestToDoneMs: number | null;
}

/** Latencies of a conference: a two-step one fills the consult steps, a single-step one `requestToDoneMs`. */
export interface ConferenceSteps extends ConsultSteps, SingleStepSteps {
  /** CompleteConference request start -> the original call's update with the parties (two-step only) */
  completeToUpdatedMs: number | null;
}

interface TransferCommon {
  /** the call being transferred or conferenced (the parent of the consult call) */
  originalCallId: string | null;
  /** the phone number dialled (`destination.phoneNumber`, else the consult call's dnis); null if unknown */
  destination: string | null;
  /** request start of the first operation */
  atMs: number;
  /** true when every request was accepted and every expected notification came within the window */
  ok: boolean;
  /** why it is not ok, for people; null when ok */
  problem: string | null;
}

/** A transfer or conference, measured step by step. */
export type Transfer =
  | (TransferCommon & {
      kind: 'two-step';
      consultCallId: string | null;
      initiateExchangeId: number;
      /** null if CompleteTransfer was never requested */
      completeExchangeId: number | null;
      steps: ConsultSteps;
    })
  | (TransferCommon & {
      kind: 'single-step';
      consultCallId: null;
      requestExchangeId: number;
      steps: SingleStepSteps;
    })
  | (TransferCommon & {
      kind: 'conference';
      /** SingleStepConference: no consult call */
      isSingleStep: boolean;
      consultCallId: string | null;
      initiateExchangeId: number;
      /** null if CompleteConference was never requested (or single-step) */
      completeExchangeId: number | null;
      steps: ConferenceSteps;
    });

export type TransferKind = Transfer['kind'];

/** Why notifications are said to be out of order. */
export type OutOfOrderReason =
  /** a message's time is earlier than the message stored before it */
  | 'time-went-back'
  /** a call's `duration` is smaller than in its previous notification */
  | 'duration-went-back'
  /** a call changed state after it was Released */
  | 'after-released'
  /** an operation's notifications came in another order than GWS documents (GWS-NOTES §9) */
  | 'sequence';

interface AnomalyCommon {
  /** the call concerned; null if none */
  callId: string | null;
  /** where to put it on a timeline */
  atMs: number;
  /** for people: what happened, with ids and times */
  message: string;
}

/** Something that went wrong in a session. Switch on `kind`. */
export type Anomaly =
  | (AnomalyCommon & {
      kind: 'request-failed';
      exchangeId: number;
      operationName: string;
      /** null when the response had no readable statusCode */
      statusCode: number | null;
      httpStatus: number | null;
    })
  | (AnomalyCommon & {
      kind: 'missing-notification';
      exchangeId: number;
      operationName: string;
      /** e.g. "consult call Dialing" */
      expected: string;
      windowMs: number;
    })
  | (AnomalyCommon & { kind: 'never-released'; lastState: string | null })
  | (AnomalyCommon & {
      kind: 'capability-violation';
      fromState: string;
      toState: string;
      /** the call's capabilities before the change */
      capabilities: string[];
      messageRowId: number;
    })
  | (AnomalyCommon & { kind: 'out-of-order'; reason: OutOfOrderReason; messageRowId: number })
  | (AnomalyCommon & {
      kind: 'error-notification';
      /** `data.errorCode`; null if none */
      errorCode: number | null;
      messageRowId: number;
    });

export type AnomalyKind = Anomaly['kind'];

/** What the analysis read and what it could not use; bad recorded content is counted here, never thrown. */
export interface AnalysisStats {
  /** Bayeux rows read */
  messages: number;
  callNotifications: number;
  deviceNotifications: number;
  errorNotifications: number;
  /** CallStateChangeMessage without a usable call id */
  malformedNotifications: number;
  /** REST exchanges read */
  exchanges: number;
  operations: number;
  /** POST bodies on an operation path that were not JSON with an operationName */
  malformedRequests: number;
  /** operation responses whose body had no readable statusCode */
  unreadableResponses: number;
}

export interface AnalysisOptions {
  /** how long after a request starts its expected notifications may come */
  notificationWindowMs: number;
}

export interface SessionAnalysis {
  session: Session;
  /** in order of first appearance */
  calls: Call[];
  /** in request order */
  operations: Operation[];
  /** in request order */
  transfers: Transfer[];
  /** in time order */
  anomalies: Anomaly[];
  stats: AnalysisStats;
  /** the latest time seen in any row (0 for an empty session) */
  endMs: number;
  options: AnalysisOptions;
}
