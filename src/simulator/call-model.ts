// The simulated calls: who owns each, how they are linked (parent and consult), and which state moves are legal.
import type { Clock } from '../common/clock.js';
import type { CallState, CallType, OnOff, UserData } from '../gws/index.js';
import type { Agent } from './agents.js';
import type { CallIds } from './call-ids.js';

export type ConsultKind = 'transfer' | 'conference';

/** One call as one agent sees it (GWS gives every party its own call object). */
export interface SimCall {
  readonly id: string;
  readonly connId: string;
  /** the agent whose `/v2/me/calls` carries this call */
  readonly agent: Agent;
  state: CallState;
  readonly callType: CallType;
  /** the remote parties' numbers, in the order they joined */
  participants: string[];
  readonly dnis: string;
  /** caller number of an external inbound call */
  readonly ani: string | undefined;
  userData: UserData;
  /** consult calls: the call that was held to make this one */
  readonly parentId: string | undefined;
  readonly consultKind: ConsultKind | undefined;
  /** parent calls: their live consult call */
  consultId: string | undefined;
  /** delivered from a queue: may be Rejected */
  readonly isQueued: boolean;
  /** more than one remote party joined through a conference operation */
  isConference: boolean;
  mute: OnOff;
  /** monotonic ms (Clock.nowMs) when the call appeared */
  readonly startedAtMs: number;
  /** set when CompleteConference releases a consult: its notification then carries `parentCallPath` */
  hasParentCallPath: boolean;
  /** the capabilities last sent for this call; null before its first notification */
  lastCapabilities: readonly string[] | null;
}

export interface NewCall {
  agent: Agent;
  state: 'Ringing' | 'Dialing';
  callType: CallType;
  participants: string[];
  dnis: string;
  ani?: string;
  userData?: UserData;
  parentId?: string;
  consultKind?: ConsultKind;
  isQueued?: boolean;
}

/** Moves a call may make; anything else is a bug in an operation handler. */
const TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  Ringing: ['Established', 'Released'],
  Dialing: ['Established', 'Held', 'Released'],
  Established: ['Held', 'Released'],
  Held: ['Established', 'Released'],
  Released: [],
};

export const canMove = (from: CallState, to: CallState): boolean => TRANSITIONS[from].includes(to);

/** Changes a call's state; throws on an illegal move, which only a faulty handler can ask for. */
export const moveTo = (call: SimCall, to: CallState): void => {
  if (!canMove(call.state, to)) throw new Error(`call ${call.id} cannot go from ${call.state} to ${to}`);
  call.state = to;
};

export const isLive = (call: SimCall): boolean => call.state !== 'Released';

/** Adds a remote party (once); two or more make the call a conference. */
export const addParty = (call: SimCall, phoneNumber: string): void => {
  if (!call.participants.includes(phoneNumber)) call.participants.push(phoneNumber);
  call.isConference = call.participants.length > 1;
};

/** Drops a remote party; the call stays a conference while two or more remain. */
export const removeParty = (call: SimCall, phoneNumber: string): void => {
  call.participants = call.participants.filter((p) => p !== phoneNumber);
  call.isConference = call.participants.length > 1;
};

/** Calls that are ringing, dialing, established or held, per simulator; released calls are forgotten. */
export class CallModel {
  private readonly calls = new Map<string, SimCall>();

  constructor(
    private readonly ids: CallIds,
    private readonly clock: Clock,
  ) {}

  create(init: NewCall): SimCall {
    const { id, connId } = this.ids.next();
    const call: SimCall = {
      id,
      connId,
      agent: init.agent,
      state: init.state,
      callType: init.callType,
      participants: [...init.participants],
      dnis: init.dnis,
      ani: init.ani,
      userData: { ...init.userData },
      parentId: init.parentId,
      consultKind: init.consultKind,
      consultId: undefined,
      isQueued: init.isQueued ?? false,
      isConference: false,
      mute: 'Off',
      startedAtMs: this.clock.nowMs(),
      hasParentCallPath: false,
      lastCapabilities: null,
    };
    this.calls.set(id, call);
    const parent = this.parentOf(call);
    if (parent !== undefined) parent.consultId = id;
    return call;
  }

  /** A live call by id, any agent's (the control API has no "me"). */
  find(id: string): SimCall | undefined {
    return this.calls.get(id);
  }

  /** A live call of `agent`; another agent's call is as unknown as a made-up id. */
  findOwn(agent: Agent, id: string): SimCall | undefined {
    const call = this.calls.get(id);
    return call?.agent === agent ? call : undefined;
  }

  /** `agent`'s live calls, oldest first. */
  liveCalls(agent: Agent): SimCall[] {
    return [...this.calls.values()].filter((c) => c.agent === agent && isLive(c));
  }

  parentOf(call: SimCall): SimCall | undefined {
    return call.parentId === undefined ? undefined : this.live(call.parentId);
  }

  consultOf(call: SimCall): SimCall | undefined {
    return call.consultId === undefined ? undefined : this.live(call.consultId);
  }

  /**
   * The other leg a transfer, conference or swap would join with `call`: its consult or parent, or
   * else the agent's other live call when there is exactly one (e.g. a Dial made while a call is held).
   */
  related(call: SimCall): SimCall | undefined {
    const linked = this.consultOf(call) ?? this.parentOf(call);
    if (linked !== undefined) return linked;
    const others = this.liveCalls(call.agent).filter((c) => c !== call && c.state !== 'Ringing');
    return others.length === 1 ? others[0] : undefined;
  }

  /** Whole seconds since the call appeared. */
  durationSeconds(call: SimCall): number {
    return Math.max(0, Math.floor((this.clock.nowMs() - call.startedAtMs) / 1000));
  }

  /** Drops released calls (after their notifications are built) and unlinks them from their partners. */
  forgetReleased(): void {
    for (const call of this.calls.values()) {
      if (isLive(call)) continue;
      this.calls.delete(call.id);
      const parent = call.parentId === undefined ? undefined : this.calls.get(call.parentId);
      if (parent?.consultId === call.id) parent.consultId = undefined;
    }
  }

  private live(id: string): SimCall | undefined {
    const call = this.calls.get(id);
    return call !== undefined && isLive(call) ? call : undefined;
  }
}
