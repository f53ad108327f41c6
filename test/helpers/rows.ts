// A script builder that lays out GWS scenarios as read-back store rows, and the scenarios of the seed.
import type { CallState, CallType, Call as GwsCall } from '../../src/gws/index.js';
import { CAPABILITIES } from '../../src/gws/index.js';
import type { BayeuxRow, Exchange, Session } from '../../src/store/index.js';
import { exchangeRow, messageRow, sessionRow } from './store-rows.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** A REST operation as the store reads it back; by default a POST of Answer answered `{"statusCode":0}` in 4 ms. */
export const operationExchange = (over: Partial<Exchange> = {}): Exchange => {
  const startMs = over.startMs ?? 0;
  return exchangeRow({
    id: 1,
    method: 'POST',
    path: '/api/v2/me/calls/CALL',
    requestHeaders: [
      ['host', '127.0.0.1:8090'],
      ['content-type', 'application/json'],
    ],
    requestBody: json({ operationName: 'Answer' }),
    startMs,
    firstByteMs: startMs + 3,
    endMs: startMs + 4,
    ...over,
  });
};

/** A call of the scenario: what stays the same across its notifications. */
export interface ScriptCall {
  id: string;
  connId: string;
  callType: CallType;
  /** the other party's number */
  party: string;
  dnis: string;
  parentId?: string;
}

export interface NotifyOptions {
  capabilities?: readonly string[];
  notificationType?: string;
  /** whole seconds; defaults to the time since the call's first notification */
  durationS?: number;
  /** fields merged into the call object (or removed when set to undefined) */
  callFields?: Record<string, unknown>;
}

export interface PostOptions {
  statusCode?: number;
  statusMessage?: string;
  /** time to the first response byte */
  latencyMs?: number;
  /** request path; defaults to `/api/v2/me/calls/{id}` */
  path?: string;
  httpStatus?: number;
}

const DEFAULT_CAPABILITIES: Record<string, readonly string[]> = {
  Ringing: CAPABILITIES.ringing,
  Established: CAPABILITIES.established,
  Held: CAPABILITIES.held,
  Dialing: CAPABILITIES.dialing,
  Released: CAPABILITIES.released,
};

/**
 * Lays out a recorded session row by row: notifications in the seed's exact shape, and REST operations.
 * Ids of rows are allocated in the order the methods are called, as the recorder allocates them.
 */
export class RecordingScript {
  readonly origin: string;
  readonly agent: string;
  private readonly exchanges: Exchange[] = [];
  private readonly messages: BayeuxRow[] = [];
  private readonly firstSeenMs = new Map<string, number>();
  private nextId = 1;

  constructor(options: { origin?: string; agent?: string } = {}) {
    this.origin = options.origin ?? 'http://127.0.0.1:8080';
    this.agent = options.agent ?? '5005';
  }

  /** The call object of one notification, keys in the seed's order. */
  callObject(
    call: ScriptCall,
    state: CallState | string,
    atMs: number,
    options: NotifyOptions = {},
  ): GwsCall {
    const first = this.firstSeenMs.get(call.id) ?? atMs;
    const capabilities =
      options.capabilities ??
      (call.callType === 'Consult' && state === 'Dialing'
        ? CAPABILITIES.consultDialing
        : (DEFAULT_CAPABILITIES[state] ?? []));
    const object: Record<string, unknown> = {
      id: call.id,
      state,
      callUuid: call.id,
      connId: call.connId,
      deviceUri: `${this.origin}/api/v2/devices/efe1ab32-53f9-43ce-b65e-5768c61f7d4a`,
      participants: [
        { e164Number: '', formattedPhoneNumber: call.party, phoneNumber: call.party, digits: call.party },
      ],
      dnis: call.dnis,
      callType: call.callType,
      capabilities: [...capabilities],
      ...(call.parentId ? { parentCallUri: `${this.origin}/api/v2/me/calls/${call.parentId}` } : {}),
      duration: String(options.durationS ?? Math.max(0, Math.floor((atMs - first) / 1000))),
      mute: 'Off',
      supervisorListeningIn: false,
      monitoredUserMuted: false,
      uri: `${this.origin}/api/v2/me/calls/${call.id}`,
      path: `/calls/${call.id}`,
    };
    for (const [key, value] of Object.entries(options.callFields ?? {})) {
      if (value === undefined) delete object[key];
      else object[key] = value;
    }
    return object as unknown as GwsCall;
  }

  /** A CallStateChangeMessage about `call` at `atMs`; returns the row. */
  notify(call: ScriptCall, state: CallState | string, atMs: number, options: NotifyOptions = {}): BayeuxRow {
    const callObject = this.callObject(call, state, atMs, options);
    if (!this.firstSeenMs.has(call.id)) this.firstSeenMs.set(call.id, atMs);
    return this.message(atMs, {
      notificationType: options.notificationType ?? 'StatusChange',
      call: callObject,
      phoneNumber: this.agent,
      extensions: { WrapUpTime: 0, BusinessCall: 0 },
      messageType: 'CallStateChangeMessage',
    });
  }

  /** Any message to the client on `channel` carrying `data`. */
  message(atMs: number, data: unknown, channel = '/v2/me/calls'): BayeuxRow {
    const row = messageRow({ id: this.nextId++, atMs, channel, message: { data, channel } });
    this.messages.push(row);
    return row;
  }

  /** A POST of `operationName` (with `params`) on `call`, answered after `latencyMs`. */
  post(
    call: ScriptCall | null,
    operationName: string,
    atMs: number,
    params: Record<string, unknown> = {},
    options: PostOptions = {},
  ): Exchange {
    const statusCode = options.statusCode ?? 0;
    const latencyMs = options.latencyMs ?? 4;
    const response =
      statusCode === 0
        ? { statusCode }
        : {
            statusCode,
            statusMessage: options.statusMessage ?? `${operationName} is not valid for the current state`,
          };
    const exchange = operationExchange({
      id: this.nextId++,
      path: options.path ?? `/api/v2/me/calls/${call?.id ?? 'none'}`,
      requestBody: json({ operationName, ...params }),
      status: options.httpStatus ?? (statusCode === 0 ? 200 : 400),
      responseBody: json(response),
      startMs: atMs,
      firstByteMs: atMs + latencyMs,
      endMs: atMs + latencyMs + 0.5,
    });
    this.exchanges.push(exchange);
    return exchange;
  }

  rows(session: Partial<Session> = {}): { session: Session; exchanges: Exchange[]; messages: BayeuxRow[] } {
    return {
      session: sessionRow(session),
      exchanges: [...this.exchanges].sort((a, b) => a.startMs - b.startMs || a.id - b.id),
      messages: [...this.messages],
    };
  }
}

/** Seed Sample 2's calls: A (inbound from 5000 to agent 5005) and B (consult to 5001). */
export const SEED_CALL_A: ScriptCall = {
  id: '011DJV5JI898NB2L04000VTAES000005',
  connId: '007102385535e005',
  callType: 'Internal',
  party: '5000',
  dnis: '5005',
};
export const SEED_CALL_B: ScriptCall = {
  id: '011DJV5JI898NB2L04000VTAES000006',
  connId: '007102385535e006',
  callType: 'Consult',
  party: '5001',
  dnis: '5001',
  parentId: SEED_CALL_A.id,
};

/**
 * Times of the seed scenario (ms since origin), placed so each call's `duration` comes out as in the seed
 * (A: 0, 10, 36, 48; B: 0, 12); the step latencies below are computed from them.
 */
export const SEED_TIMES = {
  ringing: 1000,
  answer: 10_950,
  established: 11_042,
  initiate: 36_900,
  held: 37_051,
  dialing: 37_083,
  complete: 48_900,
  releasedA: 49_061,
  releasedB: 49_090,
} as const;

/**
 * The steps `analyze` must report for the seed scenario, written out rather than computed from SEED_TIMES with
 * the formula the analysis itself uses: InitiateTransfer -> consult Dialing, Dialing -> CompleteTransfer, and
 * CompleteTransfer -> the last party Released (B, 190 ms after; A went at 161 ms).
 */
export const SEED_STEPS = {
  initiateToDialingMs: 183,
  dialingToCompleteMs: 11_817,
  completeToReleasedMs: 190,
} as const;

/** Seed Sample 2 up to the consult Dialing (GWS-NOTES §9 rows 1-3). */
export const seedUpToConsult = (script = new RecordingScript()): RecordingScript => {
  const t = SEED_TIMES;
  script.notify(SEED_CALL_A, 'Ringing', t.ringing);
  script.post(SEED_CALL_A, 'Answer', t.answer);
  script.notify(SEED_CALL_A, 'Established', t.established);
  script.post(SEED_CALL_A, 'InitiateTransfer', t.initiate, { destination: { phoneNumber: '5001' } });
  script.notify(SEED_CALL_A, 'Held', t.held);
  script.notify(SEED_CALL_B, 'Dialing', t.dialing);
  return script;
};

/** Seed Sample 2, the whole two-step transfer (GWS-NOTES §9). */
export const seedTwoStepTransfer = (script = new RecordingScript()): RecordingScript => {
  const t = SEED_TIMES;
  seedUpToConsult(script);
  script.post(SEED_CALL_B, 'CompleteTransfer', t.complete);
  script.notify(SEED_CALL_A, 'Released', t.releasedA);
  script.notify(SEED_CALL_B, 'Released', t.releasedB);
  return script;
};

/** The seed up to the consult, then CompleteTransfer refused with statusCode 2: nothing is Released. */
export const failedCompleteTransfer = (script = new RecordingScript()): RecordingScript => {
  seedUpToConsult(script);
  script.post(SEED_CALL_B, 'CompleteTransfer', SEED_TIMES.complete, {}, { statusCode: 2 });
  return script;
};

/** An inbound call answered and never hung up before the session ends. */
export const neverReleasedCall = (script = new RecordingScript()): RecordingScript => {
  script.notify(SEED_CALL_A, 'Ringing', 1000);
  script.post(SEED_CALL_A, 'Answer', 2000);
  script.notify(SEED_CALL_A, 'Established', 2040);
  return script;
};

/** An answered call transferred in one step to 5001: the call is Released. */
export const singleStepTransfer = (script = new RecordingScript()): RecordingScript => {
  script.notify(SEED_CALL_A, 'Ringing', 1000);
  script.post(SEED_CALL_A, 'Answer', 2000);
  script.notify(SEED_CALL_A, 'Established', 2040);
  script.post(SEED_CALL_A, 'SingleStepTransfer', 5000, { destination: { phoneNumber: '5001' } });
  script.notify(SEED_CALL_A, 'Released', 5070);
  return script;
};

/** Consult conference with 5001: InitiateConference, CompleteConference on the consult, the parent updated, Hangup. */
export const twoStepConference = (script = new RecordingScript()): RecordingScript => {
  const consult = { ...SEED_CALL_B };
  const conferenceConsultCaps = CAPABILITIES.consultDialing.map((c) =>
    c === 'CompleteTransfer' ? 'CompleteConference' : c,
  );
  script.notify(SEED_CALL_A, 'Ringing', 1000);
  script.post(SEED_CALL_A, 'Answer', 2000);
  script.notify(SEED_CALL_A, 'Established', 2040);
  script.post(SEED_CALL_A, 'InitiateConference', 4000, { destination: { phoneNumber: '5001' } });
  script.notify(SEED_CALL_A, 'Held', 4050);
  script.notify(consult, 'Dialing', 4080, { capabilities: conferenceConsultCaps });
  script.post(consult, 'CompleteConference', 7000);
  script.notify(consult, 'Released', 7060, { callFields: { parentCallPath: `/calls/${SEED_CALL_A.id}` } });
  const bothParties = {
    participants: ['5000', '5001'].map((n) => ({
      e164Number: '',
      formattedPhoneNumber: n,
      phoneNumber: n,
      digits: n,
    })),
  };
  script.notify(SEED_CALL_A, 'Established', 7090, {
    notificationType: 'ParticipantsUpdated',
    callFields: bothParties,
  });
  script.post(SEED_CALL_A, 'Hangup', 9000);
  script.notify(SEED_CALL_A, 'Released', 9050, { callFields: bothParties });
  return script;
};

/** The seed, but the consult's Released arrives before the original's (CompleteTransfer documents the reverse). */
export const outOfOrderRelease = (script = new RecordingScript()): RecordingScript => {
  const t = SEED_TIMES;
  seedUpToConsult(script);
  script.post(SEED_CALL_B, 'CompleteTransfer', t.complete);
  script.notify(SEED_CALL_B, 'Released', t.releasedA);
  script.notify(SEED_CALL_A, 'Released', t.releasedB);
  return script;
};

/** A Ringing call that goes Held: its Ringing capabilities offer no Hold. */
export const heldWhileRinging = (script = new RecordingScript()): RecordingScript => {
  script.notify(SEED_CALL_A, 'Ringing', 1000);
  script.notify(SEED_CALL_A, 'Held', 1500);
  script.notify(SEED_CALL_A, 'Released', 2000);
  return script;
};
