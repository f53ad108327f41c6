// The call operations (POST /api/v2/me/calls/{id}): one handler per operationName, each validating before it changes anything.
import { type CallOperationName, callIdFromUri, type NotificationType, STATUS_CODES } from '../gws/index.js';
import { addParty, type CallModel, moveTo, removeParty, type SimCall } from './call-model.js';
import {
  destinationParam,
  digitsParam,
  fail,
  type OpFailure,
  type Param,
  stringParam,
  userDataParam,
} from './params.js';

/** One notification an operation causes, in the order GWS sends them (GWS-NOTES §4, §9). */
export interface CallEvent {
  call: SimCall;
  notificationType: NotificationType;
}

export type OpResult = { ok: true; events: CallEvent[] } | OpFailure;

export interface CallOpContext {
  readonly model: CallModel;
  /** the call the request was POSTed to; its capabilities allowed the operation */
  readonly call: SimCall;
  readonly body: Record<string, unknown>;
}

/**
 * A handler checks everything it needs first and returns a failure before touching any call, so a
 * refused request changes nothing (GWS-NOTES §3).
 */
export type CallOperation = (ctx: CallOpContext) => OpResult;

const done = (...events: Array<[SimCall, NotificationType]>): OpResult => ({
  ok: true,
  events: events.map(([call, notificationType]) => ({ call, notificationType })),
});

const statusChange = (call: SimCall, state: SimCall['state']): [SimCall, NotificationType] => {
  moveTo(call, state);
  return [call, 'StatusChange'];
};

/** Names a call the agent gave as `otherCallUri` / `consultCallUri`. */
const callParam = (ctx: CallOpContext, name: string, isRequired: boolean): Param<SimCall | undefined> => {
  if (!isRequired && (ctx.body[name] === undefined || ctx.body[name] === null))
    return { ok: true, value: undefined };
  const uri = stringParam(ctx.body, name);
  if (!uri.ok) return uri;
  const id = callIdFromUri(uri.value);
  const other = id === null ? undefined : ctx.model.findOwn(ctx.call.agent, id);
  if (other === undefined || other.state === 'Released') {
    return fail(STATUS_CODES.NOT_FOUND, `${name} ${uri.value} does not name a call of this agent`);
  }
  if (other === ctx.call)
    return fail(STATUS_CODES.INVALID_STATE, `${name} must name another call than ${ctx.call.id}`);
  return { ok: true, value: other };
};

/** The parent and consult legs CompleteTransfer/CompleteConference join, from either leg. */
const legsOf = (ctx: CallOpContext): Param<{ parent: SimCall; consult: SimCall }> => {
  const named = callParam(ctx, 'consultCallUri', false);
  if (!named.ok) return named;
  const other = named.value ?? ctx.model.related(ctx.call);
  if (other === undefined || other !== ctx.model.related(ctx.call)) {
    return fail(STATUS_CODES.INVALID_STATE, `call ${ctx.call.id} has no related call to complete with`);
  }
  // Without a parent/consult link (a Dial made while a call was held), the held call plays the parent.
  const callIsConsult =
    ctx.call.parentId === other.id || (other.parentId !== ctx.call.id && other.state === 'Held');
  return {
    ok: true,
    value: callIsConsult ? { parent: other, consult: ctx.call } : { parent: ctx.call, consult: other },
  };
};

const initiateConsult =
  (consultKind: 'transfer' | 'conference'): CallOperation =>
  (ctx) => {
    const destination = destinationParam(ctx.body);
    if (!destination.ok) return destination;
    const userData = userDataParam(ctx.body, false);
    if (!userData.ok) return userData;
    if (ctx.model.consultOf(ctx.call) !== undefined) {
      return fail(STATUS_CODES.INVALID_STATE, `call ${ctx.call.id} already has a consult call`);
    }
    const events: Array<[SimCall, NotificationType]> = [];
    if (ctx.call.state === 'Established') events.push(statusChange(ctx.call, 'Held'));
    const consult = ctx.model.create({
      agent: ctx.call.agent,
      state: 'Dialing',
      callType: 'Consult',
      participants: [destination.value],
      dnis: destination.value,
      userData: { ...ctx.call.userData, ...userData.value },
      parentId: ctx.call.id,
      consultKind,
    });
    events.push([consult, 'StatusChange']);
    return done(...events);
  };

const changeUserData =
  (change: (call: SimCall, ctx: CallOpContext) => OpFailure | undefined): CallOperation =>
  (ctx) => {
    const failure = change(ctx.call, ctx);
    return failure ?? done([ctx.call, 'AttachedDataChanged']);
  };

const mergeUserData = (call: SimCall, ctx: CallOpContext): OpFailure | undefined => {
  const userData = userDataParam(ctx.body, true);
  if (!userData.ok) return userData;
  // JSON objects cannot repeat a key, so Attach of an existing key replaces it, as Update does.
  call.userData = { ...call.userData, ...userData.value };
  return undefined;
};

/** Every call operation the simulator performs; the others in CALL_OPERATIONS answer "not valid". */
export const CALL_OPERATION_HANDLERS: Partial<Record<CallOperationName, CallOperation>> = {
  Answer: ({ call }) => done(statusChange(call, 'Established')),
  Hangup: ({ call }) => done(statusChange(call, 'Released')),
  Reject: ({ call }) => done(statusChange(call, 'Released')),
  Hold: ({ call }) => done(statusChange(call, 'Held')),
  Retrieve: (ctx) => {
    // Retrieving the parent while its consult is up ends the consultation first, as T-Server's reconnect does.
    const consult = ctx.model.consultOf(ctx.call);
    const events: Array<[SimCall, NotificationType]> = [];
    if (consult !== undefined) events.push(statusChange(consult, 'Released'));
    events.push(statusChange(ctx.call, 'Established'));
    return done(...events);
  },
  InitiateTransfer: initiateConsult('transfer'),
  InitiateConference: initiateConsult('conference'),
  CompleteTransfer: (ctx) => {
    const legs = legsOf(ctx);
    if (!legs.ok) return legs;
    // seed Sample 2: the original call is released first, then the consult call.
    return done(statusChange(legs.value.parent, 'Released'), statusChange(legs.value.consult, 'Released'));
  },
  CompleteConference: (ctx) => {
    const legs = legsOf(ctx);
    if (!legs.ok) return legs;
    const { parent, consult } = legs.value;
    consult.hasParentCallPath = consult.parentId === parent.id;
    const released = statusChange(consult, 'Released');
    for (const party of consult.participants) addParty(parent, party);
    if (parent.state === 'Held') moveTo(parent, 'Established');
    return done(released, [parent, 'ParticipantsUpdated']);
  },
  SingleStepTransfer: (ctx) => {
    const destination = destinationParam(ctx.body);
    if (!destination.ok) return destination;
    return done(statusChange(ctx.call, 'Released'));
  },
  SingleStepConference: (ctx) => {
    const destination = destinationParam(ctx.body);
    if (!destination.ok) return destination;
    if (ctx.call.participants.includes(destination.value)) {
      return fail(STATUS_CODES.INVALID_STATE, `${destination.value} is already on call ${ctx.call.id}`);
    }
    addParty(ctx.call, destination.value);
    return done([ctx.call, 'ParticipantsUpdated']);
  },
  RemoveParticipantFromConference: (ctx) => {
    const participant = stringParam(ctx.body, 'participant');
    if (!participant.ok) return participant;
    if (!ctx.call.participants.includes(participant.value)) {
      return fail(
        STATUS_CODES.INVALID_STATE,
        `${participant.value} is not a participant of call ${ctx.call.id}`,
      );
    }
    removeParty(ctx.call, participant.value);
    return done([ctx.call, 'ParticipantsUpdated']);
  },
  SwapCalls: (ctx) => {
    const other = callParam(ctx, 'otherCallUri', true);
    if (!other.ok) return other;
    const target = other.value;
    if (target === undefined || ctx.model.related(ctx.call) !== target) {
      return fail(
        STATUS_CODES.INVALID_STATE,
        `otherCallUri does not name a call to swap with ${ctx.call.id}`,
      );
    }
    const [held, active] = ctx.call.state === 'Held' ? [ctx.call, target] : [target, ctx.call];
    if (held.state !== 'Held')
      return fail(STATUS_CODES.INVALID_STATE, 'SwapCalls needs one of the two calls held');
    // SwapCalls page: the held call is retrieved first, then the other one is held.
    const events = [statusChange(held, 'Established')];
    if (active.state !== 'Held') events.push(statusChange(active, 'Held'));
    return done(...events);
  },
  SendDtmf: (ctx) => {
    const digits = digitsParam(ctx.body);
    if (!digits.ok) return digits;
    return done([ctx.call, 'DtmfSent']);
  },
  MuteCall: ({ call }) => {
    call.mute = 'On';
    return done([call, 'StatusChange']);
  },
  UnmuteCall: ({ call }) => {
    call.mute = 'Off';
    return done([call, 'StatusChange']);
  },
  AttachUserData: changeUserData(mergeUserData),
  UpdateUserData: changeUserData(mergeUserData),
  DeleteUserData: changeUserData((call) => {
    call.userData = {};
    return undefined;
  }),
  DeleteUserDataPair: changeUserData((call, ctx) => {
    const key = stringParam(ctx.body, 'key');
    if (!key.ok) return key;
    const { [key.value]: _removed, ...rest } = call.userData;
    call.userData = rest;
    return undefined;
  }),
};
