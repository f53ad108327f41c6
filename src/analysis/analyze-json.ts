// The JSON shape of an analysis: what `gws-vcr analyze --json` prints and the dashboard API serves.
import { transferExchangeIds } from './transfer-steps.js';
import type { Anomaly, ConferenceSteps, SessionAnalysis, Transfer } from './types.js';

/** Times stay in ms since the session start; rounded to the microsecond so the JSON stays readable. */
const ms = (value: number): number => Math.round(value * 1000) / 1000;
const msOrNull = (value: number | null): number | null => (value === null ? null : ms(value));

export interface AnalyzeJsonTransfer {
  kind: 'two-step' | 'single-step';
  originalCallId: string | null;
  consultCallId: string | null;
  /** the phone number dialled */
  destination: string | null;
  /** two-step: the three consult steps; single-step: they are null and `requestToReleasedMs` is set */
  steps: {
    initiateToDialingMs: number | null;
    dialingToCompleteMs: number | null;
    completeToReleasedMs: number | null;
    requestToReleasedMs: number | null;
  };
  ok: boolean;
  atMs: number;
  problem: string | null;
  /** the requests' exchange ids: initiate and complete (two-step) or the single request */
  exchangeIds: number[];
}

export interface AnalyzeJsonConference {
  kind: 'two-step' | 'single-step';
  originalCallId: string | null;
  consultCallId: string | null;
  destination: string | null;
  steps: ConferenceSteps;
  ok: boolean;
  atMs: number;
  problem: string | null;
  exchangeIds: number[];
}

/**
 * `{"session":{"id","name"},"calls":[...],"transfers":[...],"anomalies":[...]}` as the issue fixes it, plus
 * `conferences`, `operations` and `stats`. Transfers hold only transfers ('two-step' | 'single-step');
 * conferences are listed apart.
 */
export interface AnalyzeJson {
  session: {
    id: number;
    name: string | null;
    source: string;
    upstream: string;
    startedAt: string;
    endedAt: string | null;
    /** the latest time seen in the session */
    endMs: number;
  };
  calls: Array<{
    id: string;
    callType: string | null;
    parentId: string | null;
    connId: string | null;
    dnis: string | null;
    participants: string[];
    userData: Record<string, unknown> | null;
    states: Array<{ state: string; atMs: number; endMs: number | null }>;
    releasedAtMs: number | null;
  }>;
  transfers: AnalyzeJsonTransfer[];
  conferences: AnalyzeJsonConference[];
  anomalies: Array<{ kind: Anomaly['kind']; callId: string | null; atMs: number; message: string }>;
  operations: Array<{
    exchangeId: number;
    operationName: string;
    callId: string | null;
    startMs: number;
    latencyMs: number | null;
    httpStatus: number | null;
    statusCode: number | null;
    notifications: Array<{ messageRowId: number; atMs: number; callId: string | null; state: string | null }>;
  }>;
  stats: SessionAnalysis['stats'];
}

const transferJson = (t: Extract<Transfer, { kind: 'two-step' | 'single-step' }>): AnalyzeJsonTransfer => {
  const common = {
    kind: t.kind,
    originalCallId: t.originalCallId,
    consultCallId: t.consultCallId,
    destination: t.destination,
    ok: t.ok,
    atMs: ms(t.atMs),
    problem: t.problem,
  };
  if (t.kind === 'two-step') {
    return {
      ...common,
      steps: {
        initiateToDialingMs: msOrNull(t.steps.initiateToDialingMs),
        dialingToCompleteMs: msOrNull(t.steps.dialingToCompleteMs),
        completeToReleasedMs: msOrNull(t.steps.completeToReleasedMs),
        requestToReleasedMs: null,
      },
      exchangeIds: transferExchangeIds(t),
    };
  }
  return {
    ...common,
    steps: {
      initiateToDialingMs: null,
      dialingToCompleteMs: null,
      completeToReleasedMs: null,
      requestToReleasedMs: msOrNull(t.steps.requestToDoneMs),
    },
    exchangeIds: transferExchangeIds(t),
  };
};

const conferenceJson = (t: Extract<Transfer, { kind: 'conference' }>): AnalyzeJsonConference => ({
  kind: t.isSingleStep ? 'single-step' : 'two-step',
  originalCallId: t.originalCallId,
  consultCallId: t.consultCallId,
  destination: t.destination,
  steps: {
    initiateToDialingMs: msOrNull(t.steps.initiateToDialingMs),
    dialingToCompleteMs: msOrNull(t.steps.dialingToCompleteMs),
    completeToReleasedMs: msOrNull(t.steps.completeToReleasedMs),
    completeToUpdatedMs: msOrNull(t.steps.completeToUpdatedMs),
    requestToDoneMs: msOrNull(t.steps.requestToDoneMs),
  },
  ok: t.ok,
  atMs: ms(t.atMs),
  problem: t.problem,
  exchangeIds: transferExchangeIds(t),
});

/** The analysis as plain JSON-ready data (no Buffers, no cycles), times rounded to the microsecond. */
export const toAnalyzeJson = (analysis: SessionAnalysis): AnalyzeJson => {
  const { session } = analysis;
  const transfers: AnalyzeJsonTransfer[] = [];
  const conferences: AnalyzeJsonConference[] = [];
  for (const t of analysis.transfers) {
    if (t.kind === 'conference') conferences.push(conferenceJson(t));
    else transfers.push(transferJson(t));
  }
  return {
    session: {
      id: session.id,
      name: session.name,
      source: session.source,
      upstream: session.upstream,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      endMs: ms(analysis.endMs),
    },
    calls: analysis.calls.map((c) => ({
      id: c.id,
      callType: c.callType,
      parentId: c.parentId,
      connId: c.connId,
      dnis: c.dnis,
      participants: c.participants,
      userData: c.userData,
      states: c.states.map((s) => ({ state: s.state, atMs: ms(s.atMs), endMs: msOrNull(s.endMs) })),
      releasedAtMs: msOrNull(c.releasedAtMs),
    })),
    transfers,
    conferences,
    anomalies: analysis.anomalies.map(({ kind, callId, atMs, message, ...details }) => ({
      kind,
      callId,
      atMs: ms(atMs),
      message,
      ...details,
    })),
    operations: analysis.operations.map((op) => ({
      exchangeId: op.exchangeId,
      operationName: op.operationName,
      callId: op.callId,
      startMs: ms(op.startMs),
      latencyMs: msOrNull(op.latencyMs),
      httpStatus: op.httpStatus,
      statusCode: op.statusCode,
      notifications: op.notifications.map((n) => ({
        messageRowId: n.messageRowId,
        atMs: ms(n.atMs),
        callId: n.callId,
        state: n.state,
      })),
    })),
    stats: analysis.stats,
  };
};
