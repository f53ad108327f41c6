// The agent scenarios of the synthetic session, as timed steps: REST requests and the notifications GWS answers with.
import { CAPABILITIES } from '../../src/gws/index.js';

export const ORIGIN = 'http://127.0.0.1:8080';
const CALLER = '5000';
const TRANSFER_TARGET = '5001';
const CONFERENCE_TARGET = '5002';

export interface SyntheticAgent {
  phoneNumber: string;
  deviceId: string;
  clientId: string;
}

/** One thing that happens to an agent: a REST request it sends, or a notification it gets. */
export type Step =
  | { atMs: number; kind: 'notify'; channel: string; data: Record<string, unknown> }
  | {
      atMs: number;
      kind: 'rest';
      path: string;
      body: Record<string, unknown>;
      /** GWS statusCode of the answer; 0 accepted */
      statusCode: number;
    };

/** Call ids as GWS makes them (GWS-NOTES §8): a fixed 23-char base32hex prefix + "AES" + counter; connId +1 per call. */
export class CallIds {
  private counter = 0;
  next(): { id: string; connId: string } {
    this.counter++;
    return {
      id: `01RCC3N118B1V0SL8O7GK2LAES${this.counter.toString(32).toUpperCase().padStart(6, '0')}`,
      connId: `007102${this.counter.toString(16).padStart(10, '0')}`,
    };
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so every run writes the same session. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const callUri = (id: string): string => `${ORIGIN}/api/v2/me/calls/${id}`;
const party = (n: string) => ({ e164Number: '', formattedPhoneNumber: n, phoneNumber: n, digits: n });

interface SimCall {
  id: string;
  connId: string;
  callType: 'Internal' | 'Consult';
  parentId: string | null;
  participants: string[];
  dnis: string;
  startMs: number;
  userData: Record<string, string>;
}

/** Builds one scenario's steps; `t` is the running clock, advanced by think times. */
class Script {
  readonly steps: Step[] = [];
  t: number;
  constructor(
    readonly agent: SyntheticAgent,
    startMs: number,
    private readonly ids: CallIds,
    private readonly random: () => number,
  ) {
    this.t = startMs;
  }

  /** a person's pause: 0.5 to 4 s */
  think(): void {
    this.t += 500 + Math.floor(this.random() * 3500);
  }

  call(callType: SimCall['callType'], to: string, parentId: string | null = null): SimCall {
    const { id, connId } = this.ids.next();
    return { id, connId, callType, parentId, participants: [to], dnis: to, startMs: this.t, userData: {} };
  }

  /** the request, answered at once; its notifications follow 20-80 ms later (GWS-NOTES §3) */
  rest(call: SimCall | null, operationName: string, params: object = {}, statusCode = 0): void {
    const path = call ? `/api/v2/me/calls/${call.id}` : '/api/v2/me/channels/voice';
    this.steps.push({ atMs: this.t, kind: 'rest', path, body: { operationName, ...params }, statusCode });
    this.t += 20 + Math.floor(this.random() * 60);
  }

  /** a CallStateChangeMessage with the call object in the seed's key order (src/simulator/notifications.ts) */
  notify(
    c: SimCall,
    state: string,
    capabilities: readonly string[],
    notificationType = 'StatusChange',
  ): void {
    const call = {
      id: c.id,
      state,
      callUuid: c.id,
      connId: c.connId,
      deviceUri: `${ORIGIN}/api/v2/devices/${this.agent.deviceId}`,
      participants: c.participants.map(party),
      dnis: c.dnis,
      callType: c.callType,
      capabilities,
      ...(Object.keys(c.userData).length ? { userData: { ...c.userData } } : {}),
      ...(c.parentId ? { parentCallUri: callUri(c.parentId) } : {}),
      duration: String(Math.floor((this.t - c.startMs) / 1000)),
      mute: 'Off',
      supervisorListeningIn: false,
      monitoredUserMuted: false,
      uri: callUri(c.id),
      path: `/calls/${c.id}`,
    };
    const data = {
      notificationType,
      call,
      phoneNumber: this.agent.phoneNumber,
      extensions: { WrapUpTime: 0, BusinessCall: 0 },
      messageType: 'CallStateChangeMessage',
    };
    this.steps.push({ atMs: this.t, kind: 'notify', channel: '/v2/me/calls', data });
    this.t += 5 + Math.floor(this.random() * 20);
  }

  agentState(operationName: 'Ready' | 'AfterCallWork', userState: Record<string, string>): void {
    this.rest(null, operationName);
    const device = {
      id: this.agent.deviceId,
      deviceState: 'Active',
      userState,
      phoneNumber: this.agent.phoneNumber,
      e164Number: '',
      telephonyNetwork: 'Private',
      doNotDisturb: 'Off',
      capabilities: ['ForwardCallsOn', 'DoNotDisturbOn'],
    };
    const data = { messageType: 'DeviceStateChangeMessage', devices: [device] };
    this.steps.push({ atMs: this.t, kind: 'notify', channel: '/v2/me/devices', data });
  }

  /** seed Sample 2, steps 1-2: an inbound call rings and is answered */
  answered(): SimCall {
    const c = this.call('Internal', CALLER);
    c.dnis = this.agent.phoneNumber;
    this.notify(c, 'Ringing', CAPABILITIES.ringing);
    this.think();
    this.rest(c, 'Answer');
    this.notify(c, 'Established', CAPABILITIES.established);
    return c;
  }

  consult(parent: SimCall, operationName: string, to: string): SimCall {
    this.think();
    this.rest(parent, operationName, { destination: { phoneNumber: to } });
    this.notify(parent, 'Held', CAPABILITIES.held);
    const consult = this.call('Consult', to, parent.id);
    this.notify(consult, 'Dialing', CAPABILITIES.consultDialing);
    return consult;
  }

  hangup(c: SimCall): void {
    this.think();
    this.rest(c, 'Hangup');
    this.notify(c, 'Released', CAPABILITIES.released);
  }
}

type ScenarioScript = (s: Script) => void;

/** The demo's scenarios (src/agent/scenarios.ts), weighted as a contact centre might see them. */
const SCENARIOS: ReadonlyArray<{ name: string; weight: number; play: ScenarioScript }> = [
  {
    name: 'two-step-transfer',
    weight: 3,
    play: (s) => {
      const c = s.answered();
      const consult = s.consult(c, 'InitiateTransfer', TRANSFER_TARGET);
      s.think();
      s.rest(consult, 'CompleteTransfer');
      s.notify(c, 'Released', CAPABILITIES.released);
      s.notify(consult, 'Released', CAPABILITIES.released);
    },
  },
  {
    name: 'single-step-transfer',
    weight: 2,
    play: (s) => {
      const c = s.answered();
      s.think();
      s.rest(c, 'SingleStepTransfer', { destination: { phoneNumber: CONFERENCE_TARGET } });
      s.notify(c, 'Released', CAPABILITIES.released);
    },
  },
  {
    name: 'conference',
    weight: 1,
    play: (s) => {
      const c = s.answered();
      const consult = s.consult(c, 'InitiateConference', CONFERENCE_TARGET);
      s.think();
      s.notify(consult, 'Established', CAPABILITIES.consultDialing);
      s.think();
      s.rest(consult, 'CompleteConference');
      s.notify(consult, 'Released', CAPABILITIES.released);
      c.participants = [CALLER, CONFERENCE_TARGET];
      s.notify(c, 'Established', CAPABILITIES.established, 'ParticipantsUpdated');
      s.hangup(c);
    },
  },
  {
    name: 'hold-retrieve',
    weight: 2,
    play: (s) => {
      const c = s.answered();
      s.think();
      s.rest(c, 'Hold');
      s.notify(c, 'Held', CAPABILITIES.held);
      s.think();
      s.rest(c, 'Retrieve');
      s.notify(c, 'Established', CAPABILITIES.established);
      s.think();
      s.notify(c, 'Released', CAPABILITIES.released); // the caller hangs up
    },
  },
  {
    name: 'failed-complete-transfer',
    weight: 1,
    play: (s) => {
      const c = s.answered();
      const consult = s.consult(c, 'InitiateTransfer', TRANSFER_TARGET);
      s.think();
      s.notify(consult, 'Released', CAPABILITIES.released); // the consult party hangs up first
      s.rest(consult, 'CompleteTransfer', {}, 2); // refused: not valid for the current state
      s.think();
      s.rest(c, 'Retrieve');
      s.notify(c, 'Established', CAPABILITIES.established);
      s.hangup(c);
    },
  },
  {
    name: 'attached-user-data',
    weight: 1,
    play: (s) => {
      const c = s.answered();
      s.think();
      c.userData = { AccountNumber: '12345' };
      s.rest(c, 'AttachUserData', { userData: { AccountNumber: '12345' } });
      s.notify(c, 'Established', CAPABILITIES.established, 'AttachedDataChanged');
      c.userData = { AccountNumber: '12345', Reason: 'Billing' };
      s.rest(c, 'UpdateUserData', { userData: c.userData });
      s.notify(c, 'Established', CAPABILITIES.established, 'AttachedDataChanged');
      s.hangup(c);
      s.agentState('AfterCallWork', {
        displayName: 'AfterCallWork',
        state: 'NotReady',
        workMode: 'AfterCallWork',
      });
      s.think();
      s.agentState('Ready', { displayName: 'Ready', state: 'Ready' });
    },
  },
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);
const WEIGHTED: readonly (typeof SCENARIOS)[number][] = SCENARIOS.flatMap((s) => Array(s.weight).fill(s));

/** Plays the `n`-th scenario (round robin over the weighted list) for `agent` from `startMs`. */
export const playScenario = (
  n: number,
  agent: SyntheticAgent,
  startMs: number,
  ids: CallIds,
  random: () => number,
): { name: string; steps: Step[]; endMs: number } => {
  const scenario = WEIGHTED[n % WEIGHTED.length] as (typeof SCENARIOS)[number];
  const script = new Script(agent, startMs, ids, random);
  scenario.play(script);
  return { name: scenario.name, steps: script.steps, endMs: script.t };
};
