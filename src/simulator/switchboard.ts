// The simulated voice platform: runs an operation against the agents and calls, and returns the response and the notifications it causes.
import {
  AGENT_STATE_OPERATIONS,
  type AgentStateOperationName,
  CALL_OPERATIONS,
  type Call,
  type GwsResponse,
  STATUS_CODES,
  USER_STATES,
  type UserData,
} from '../gws/index.js';
import type { Agent, AgentDirectory } from './agents.js';
import { type CallModel, isLive, moveTo, removeParty, type SimCall } from './call-model.js';
import { capabilitiesOf } from './capabilities.js';
import {
  callNotification,
  callUri,
  callView,
  deviceNotification,
  errorNotification,
  type Notification,
} from './notifications.js';
import { CALL_OPERATION_HANDLERS, type CallEvent } from './operations.js';
import { destinationParam, fail, type OpFailure, userDataParam } from './params.js';

/** What a REST operation produced: the body to answer with and what to publish after it. */
export interface Outcome {
  response: GwsResponse;
  notifications: Notification[];
  /** EndContactCenterSession: the HTTP session must be invalidated (GWS-NOTES §2) */
  endsSession?: boolean;
}

/** A control-API request (`/sim/*`) that could not be done; `status` is the HTTP status to answer. */
export interface ControlFailure {
  ok: false;
  status: 400 | 404 | 409;
  message: string;
}

export type ControlResult = { ok: true; call: SimCall; notifications: Notification[] } | ControlFailure;

export interface RingRequest {
  to: string;
  from: string;
  /** queue-delivered: the agent may Reject it */
  isQueued?: boolean;
  userData?: UserData;
}

/** The answer to a request the simulator refuses: its statusCode and message, nothing published. */
export const refused = (failure: OpFailure): Outcome => ({
  response: { statusCode: failure.statusCode, statusMessage: failure.statusMessage },
  notifications: [],
});

const accepted = (notifications: Notification[], endsSession = false): Outcome => ({
  response: { statusCode: STATUS_CODES.OK },
  notifications,
  ...(endsSession ? { endsSession } : {}),
});

/** The refusal of an operation the target's state (or the resource) does not offer. */
const invalidState = (operationName: string): Outcome =>
  refused(fail(STATUS_CODES.INVALID_STATE, `${operationName} is not valid for the current state`));

const unknownDevice = (deviceId: string): Outcome =>
  refused(fail(STATUS_CODES.NOT_FOUND, `Device ${deviceId} does not exist`));

const controlFailure = (status: ControlFailure['status'], message: string): ControlFailure => ({
  ok: false,
  status,
  message,
});

/** Internal DNs are short; anything longer (or with "+") is a public number (GWS-NOTES §8). */
const isInternalNumber = (phoneNumber: string): boolean => /^\d{1,6}$/.test(phoneNumber);

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((name, i) => name === b[i]);

export interface SwitchboardOptions {
  agents: AgentDirectory;
  model: CallModel;
  /** the simulator's listen origin, for the absolute URIs in bodies */
  origin: () => string;
}

export class Switchboard {
  readonly agents: AgentDirectory;
  private readonly model: CallModel;
  private readonly origin: () => string;

  constructor(options: SwitchboardOptions) {
    this.agents = options.agents;
    this.model = options.model;
    this.origin = options.origin;
  }

  /** POST `/api/v2/me/calls/{id}`: checks the id, the operation and the call's capabilities, then runs it. */
  callOperation(agent: Agent, callId: string, operationName: string, body: Record<string, unknown>): Outcome {
    const call = this.model.findOwn(agent, callId);
    if (call === undefined) return refused(fail(STATUS_CODES.NOT_FOUND, `Call ${callId} does not exist`));
    if (!(CALL_OPERATIONS as readonly string[]).includes(operationName)) {
      return refused(
        fail(
          STATUS_CODES.INVALID_STATE,
          `${operationName} is not a call operation; see the call's capabilities`,
        ),
      );
    }
    const handler = CALL_OPERATION_HANDLERS[operationName as keyof typeof CALL_OPERATION_HANDLERS];
    if (handler === undefined || !capabilitiesOf(call, this.model).includes(operationName)) {
      return invalidState(operationName);
    }
    const result = handler({ model: this.model, call, body });
    if (!result.ok) return refused(result);
    return accepted(this.notify(result.events, agent));
  }

  /** POST `/api/v2/me/devices/{id}/calls` `Dial`: a new outbound call, Dialing (GWS-NOTES §4). */
  dial(agent: Agent, deviceId: string, operationName: string, body: Record<string, unknown>): Outcome {
    if (deviceId !== agent.deviceId) return unknownDevice(deviceId);
    if (operationName !== 'Dial') return invalidState(operationName);
    const destination = destinationParam(body);
    if (!destination.ok) return refused(destination);
    const userData = userDataParam(body, false);
    if (!userData.ok) return refused(userData);
    const isInternal = isInternalNumber(destination.value);
    const call = this.model.create({
      agent,
      state: 'Dialing',
      callType: isInternal ? 'Internal' : 'Outbound',
      participants: [destination.value],
      dnis: destination.value,
      userData: userData.value,
    });
    return accepted(this.notify([{ call, notificationType: 'StatusChange' }], agent));
  }

  /** POST `/api/v2/me/channels/voice`: Ready, NotReady, AfterCallWork, AuxWork. */
  agentState(agent: Agent, operationName: string): Outcome {
    if (!(AGENT_STATE_OPERATIONS as readonly string[]).includes(operationName)) {
      return refused(fail(STATUS_CODES.INVALID_STATE, `${operationName} is not valid for the voice channel`));
    }
    agent.userState = { ...USER_STATES[operationName as AgentStateOperationName] };
    return accepted([deviceNotification(agent, this.origin())]);
  }

  /** POST `/api/v2/me/devices/{id}`: DoNotDisturbOn, DoNotDisturbOff. */
  deviceOperation(agent: Agent, deviceId: string, operationName: string): Outcome {
    if (deviceId !== agent.deviceId) return unknownDevice(deviceId);
    const wanted =
      operationName === 'DoNotDisturbOn' ? 'On' : operationName === 'DoNotDisturbOff' ? 'Off' : null;
    if (wanted === null || agent.doNotDisturb === wanted) return invalidState(operationName);
    agent.doNotDisturb = wanted;
    return accepted([deviceNotification(agent, this.origin())]);
  }

  /** POST `/api/v2/me`: StartContactCenterSession, EndContactCenterSession. */
  sessionOperation(agent: Agent, operationName: string, body: Record<string, unknown>): Outcome {
    if (operationName === 'StartContactCenterSession') {
      if (!Array.isArray(body.channels) || body.channels.length === 0) {
        return refused(fail(STATUS_CODES.MISSING_PARAMETER, "Required parameter 'channels' is missing"));
      }
      agent.deviceState = 'Active';
      agent.userState = { ...USER_STATES.NotReady };
      return accepted([deviceNotification(agent, this.origin())]);
    }
    if (operationName === 'EndContactCenterSession') {
      agent.deviceState = 'Inactive';
      return accepted([deviceNotification(agent, this.origin())], true);
    }
    return invalidState(operationName);
  }

  /** `POST /sim/calls`: an inbound call rings at the agent whose DN is `to`. */
  ring(request: RingRequest): ControlResult {
    const agent = this.agents.byPhoneNumber(request.to);
    if (agent === undefined) {
      const known = this.agents.all().map((a) => a.phoneNumber);
      return controlFailure(404, `no agent has the number ${request.to}; agents: ${known.join(', ')}`);
    }
    if (agent.doNotDisturb === 'On')
      return controlFailure(409, `agent ${agent.phoneNumber} is on Do Not Disturb`);
    const isInternal = isInternalNumber(request.from);
    const call = this.model.create({
      agent,
      state: 'Ringing',
      callType: isInternal ? 'Internal' : 'Inbound',
      participants: [request.from],
      dnis: agent.phoneNumber,
      ...(isInternal ? {} : { ani: request.from }),
      userData: request.userData ?? {},
      isQueued: request.isQueued ?? false,
    });
    return this.changed(call, 'StatusChange');
  }

  /** `POST /sim/calls/{id}/answer`: the far end of a Dialing call (a consult or a Dial) picks up. */
  remoteAnswer(callId: string): ControlResult {
    const call = this.model.find(callId);
    if (call === undefined) return controlFailure(404, `no live call ${callId}`);
    if (call.state !== 'Dialing') {
      return controlFailure(
        409,
        `call ${callId} is ${call.state}; only a Dialing call can be answered by its far end`,
      );
    }
    moveTo(call, 'Established');
    return this.changed(call, 'StatusChange');
  }

  /** `POST /sim/calls/{id}/hangup`: the far end hangs up (one `participant` of a conference, or everyone). */
  remoteHangup(callId: string, participant?: string): ControlResult {
    const call = this.model.find(callId);
    if (call === undefined || !isLive(call)) return controlFailure(404, `no live call ${callId}`);
    if (participant !== undefined && call.participants.length > 1) {
      if (!call.participants.includes(participant)) {
        return controlFailure(
          404,
          `${participant} is not on call ${callId}; participants: ${call.participants.join(', ')}`,
        );
      }
      removeParty(call, participant);
      return this.changed(call, 'ParticipantsUpdated');
    }
    moveTo(call, 'Released');
    return this.changed(call, 'StatusChange');
  }

  /**
   * `POST /sim/calls/{id}/error`: T-Server refuses something GWS already accepted; the agent gets an
   * ErrorMessage about the call (GWS-NOTES §5.5). The call itself does not change.
   */
  asyncError(callId: string, errorCode: number, errorMessage: string): ControlResult {
    const call = this.model.find(callId);
    if (call === undefined) return controlFailure(404, `no live call ${callId}`);
    const notification = errorNotification(
      call.agent,
      errorCode,
      errorMessage,
      callUri(this.origin(), call.id),
    );
    return { ok: true, call, notifications: [notification] };
  }

  /** The agent's live calls as GET `/me/calls?fields=*` shows them. */
  callsOf(agent: Agent): Call[] {
    return this.model.liveCalls(agent).map((call) => this.view(call));
  }

  /** One live call of the agent, or undefined. */
  callOf(agent: Agent, callId: string): Call | undefined {
    const call = this.model.findOwn(agent, callId);
    return call === undefined ? undefined : this.view(call);
  }

  /** Every live call, any agent's, for the control API. */
  allCalls(): SimCall[] {
    return this.agents.all().flatMap((agent) => this.model.liveCalls(agent));
  }

  /** A control action's result: `call` changed, and the notifications that tell its agent. */
  private changed(call: SimCall, notificationType: CallEvent['notificationType']): ControlResult {
    return { ok: true, call, notifications: this.notify([{ call, notificationType }], call.agent) };
  }

  private view(call: SimCall): Call {
    return callView(call, {
      origin: this.origin(),
      capabilities: capabilitiesOf(call, this.model),
      durationSeconds: this.model.durationSeconds(call),
    });
  }

  /**
   * Builds the notifications of `events` from the calls' state after the whole operation, then a
   * StatusChange for any other live call of the agent whose capabilities changed as a side effect.
   */
  private notify(events: CallEvent[], agent: Agent): Notification[] {
    const origin = this.origin();
    const build = (call: SimCall, notificationType: CallEvent['notificationType']): Notification => {
      const capabilities = capabilitiesOf(call, this.model);
      call.lastCapabilities = capabilities;
      return callNotification(call, notificationType, {
        origin,
        capabilities,
        durationSeconds: this.model.durationSeconds(call),
      });
    };
    const notifications = events.map((e) => build(e.call, e.notificationType));
    const touched = new Set(events.map((e) => e.call));
    for (const call of this.model.liveCalls(agent)) {
      if (touched.has(call) || call.lastCapabilities === null) continue;
      if (!sameList(call.lastCapabilities, capabilitiesOf(call, this.model))) {
        notifications.push(build(call, 'StatusChange'));
      }
    }
    this.model.forgetReleased();
    return notifications;
  }
}
