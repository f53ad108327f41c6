// What GWS-NOTES says follows an operation, given a client's view of its calls: the oracle of the simulator's sequence property.
import { expect } from 'vitest';
import {
  type Call,
  type CallState,
  type NotificationType,
  STATUS_CODES,
  type UserData,
} from '../../src/gws/index.js';

/** The calls an agent desktop knows, built only from the notifications it received. */
export interface CallView {
  /** live calls by id, the one notified last at the end */
  live: Map<string, Call>;
  released: Set<string>;
}

export const emptyView = (): CallView => ({ live: new Map(), released: new Set() });

/** One notification the step must cause, in this position. */
export interface ExpectedEvent {
  /** the call's id; undefined for the call the step creates */
  id: string | undefined;
  notificationType: NotificationType;
  state: CallState;
  /** what else the call object must show */
  check?: (call: Call) => void;
}

export type Expected =
  | { isAccepted: true; events: ExpectedEvent[] }
  /** `codes`: GWS statusCodes for the REST API, HTTP statuses for the control API */
  | { isAccepted: false; codes: readonly number[] };

export const accept = (...events: ExpectedEvent[]): Expected => ({ isAccepted: true, events });
export const refuse = (...codes: number[]): Expected => ({ isAccepted: false, codes });
export const event = (
  call: Call | undefined,
  notificationType: NotificationType,
  state: CallState,
  check?: (call: Call) => void,
): ExpectedEvent => ({ id: call?.id, notificationType, state, ...(check === undefined ? {} : { check }) });

export const phones = (call: Call): string[] => call.participants.map((p) => p.phoneNumber);
/** The n-th item, counting round the list (picks are generated before the list is known); undefined if empty. */
export const nth = <T>(items: readonly T[], n: number): T | undefined => items[n % Math.max(1, items.length)];
const withoutKey = (data: UserData | undefined, key: string): UserData | undefined => {
  const { [key]: _dropped, ...rest } = data ?? {};
  return Object.keys(rest).length === 0 ? undefined : rest;
};
const merged = (data: UserData | undefined, extra: UserData): UserData => ({ ...data, ...extra });

/** The consult a call started, while it is live. */
const consultOf = (view: CallView, call: Call): Call | undefined =>
  [...view.live.values()].find((c) => c.parentCallUri === call.uri);

const parentOf = (view: CallView, call: Call): Call | undefined =>
  [...view.live.values()].find((c) => c.uri === call.parentCallUri);

/**
 * The other leg SwapCalls, CompleteTransfer and CompleteConference join: the consult or parent, else
 * the agent's only other call that is not ringing (a Dial made while a call is held; SwapCalls page).
 */
const relatedOf = (view: CallView, call: Call): Call | undefined => {
  const linked = consultOf(view, call) ?? parentOf(view, call);
  if (linked !== undefined) return linked;
  const others = [...view.live.values()].filter((c) => c.id !== call.id && c.state !== 'Ringing');
  return others.length === 1 ? others[0] : undefined;
};

/** Which of two legs is the parent: the one the other names, else the held one. */
const legs = (call: Call, other: Call): { parent: Call; consult: Call } => {
  const callIsConsult =
    call.parentCallUri === other.uri || (other.parentCallUri !== call.uri && other.state === 'Held');
  return callIsConsult ? { parent: other, consult: call } : { parent: call, consult: other };
};

export interface Operation {
  params: Record<string, unknown>;
  expected: Expected;
}

/** An operation `call` offers, with well-formed parameters, and what GWS-NOTES §4 and §9 say follows. */
export const offeredOperation = (view: CallView, call: Call, op: string, variant: number): Operation => {
  const same = call.state;
  switch (op) {
    case 'Answer':
      return { params: {}, expected: accept(event(call, 'StatusChange', 'Established')) };
    case 'Hangup':
    case 'Reject':
      return { params: {}, expected: accept(event(call, 'StatusChange', 'Released')) };
    case 'SingleStepTransfer':
      return {
        params: { destination: { phoneNumber: '5001' } },
        expected: accept(event(call, 'StatusChange', 'Released')),
      };
    case 'Hold':
      return { params: {}, expected: accept(event(call, 'StatusChange', 'Held')) };
    case 'Retrieve': {
      // Retrieving a parent ends its consultation first.
      const consult = consultOf(view, call);
      const first = consult === undefined ? [] : [event(consult, 'StatusChange', 'Released')];
      return { params: {}, expected: accept(...first, event(call, 'StatusChange', 'Established')) };
    }
    case 'InitiateTransfer':
    case 'InitiateConference': {
      const destination = nth(['5001', '5002', '+14155550123'], variant) ?? '5001';
      const userData: UserData = variant % 2 === 0 ? {} : { Lang: 'fr' };
      const params = { destination: { phoneNumber: destination }, userData };
      // The seed's Held list offers InitiateTransfer while the consult is up; a second consult is refused.
      if (consultOf(view, call) !== undefined)
        return { params, expected: refuse(STATUS_CODES.INVALID_STATE) };
      const held = call.state === 'Established' ? [event(call, 'StatusChange', 'Held')] : [];
      const dialing = event(undefined, 'StatusChange', 'Dialing', (consult) => {
        expect(consult.callType).toBe('Consult');
        expect(consult.parentCallUri).toBe(call.uri);
        expect(phones(consult)).toEqual([destination]);
        expect(consult.dnis).toBe(destination);
        expect(consult.userData).toEqual(
          Object.keys(merged(call.userData, userData)).length === 0
            ? undefined
            : merged(call.userData, userData),
        );
      });
      return { params, expected: accept(...held, dialing) };
    }
    case 'CompleteTransfer':
    case 'CompleteConference': {
      const other = relatedOf(view, call);
      const params = variant % 2 === 0 || other === undefined ? {} : { consultCallUri: other.uri };
      if (other === undefined) return { params, expected: refuse(STATUS_CODES.INVALID_STATE) };
      const { parent, consult } = legs(call, other);
      if (op === 'CompleteTransfer') {
        // seed Sample 2: the original call is released first, then the consult call.
        return {
          params,
          expected: accept(
            event(parent, 'StatusChange', 'Released'),
            event(consult, 'StatusChange', 'Released'),
          ),
        };
      }
      const parties = [...new Set([...phones(parent), ...phones(consult)])];
      return {
        params,
        expected: accept(
          event(consult, 'StatusChange', 'Released', (c) => {
            if (consult.parentCallUri === parent.uri) expect(c.parentCallPath).toBe(parent.path);
          }),
          event(parent, 'ParticipantsUpdated', 'Established', (c) => expect(phones(c)).toEqual(parties)),
        ),
      };
    }
    case 'SingleStepConference': {
      const destination = ['5001', '5002', '5003', '5004', '5006', '5007'].find(
        (p) => !phones(call).includes(p),
      );
      return {
        params: { destination: { phoneNumber: destination ?? '5001' } },
        expected:
          destination === undefined
            ? refuse(STATUS_CODES.INVALID_STATE)
            : accept(
                event(call, 'ParticipantsUpdated', same, (c) =>
                  expect(phones(c)).toEqual([...phones(call), destination]),
                ),
              ),
      };
    }
    case 'RemoveParticipantFromConference': {
      const participant = nth(phones(call), variant) ?? '';
      const rest = phones(call).filter((p) => p !== participant);
      return {
        params: { participant },
        expected: accept(event(call, 'ParticipantsUpdated', same, (c) => expect(phones(c)).toEqual(rest))),
      };
    }
    case 'SwapCalls': {
      const other = relatedOf(view, call);
      if (other === undefined) return { params: {}, expected: refuse(STATUS_CODES.MISSING_PARAMETER) };
      const [held, active] = call.state === 'Held' ? [call, other] : [other, call];
      if (held.state !== 'Held') {
        return { params: { otherCallUri: other.uri }, expected: refuse(STATUS_CODES.INVALID_STATE) };
      }
      // SwapCalls page: the held call is retrieved first, then the other one is held.
      const second = active.state === 'Held' ? [] : [event(active, 'StatusChange', 'Held')];
      return {
        params: { otherCallUri: other.uri },
        expected: accept(event(held, 'StatusChange', 'Established'), ...second),
      };
    }
    case 'SendDtmf':
      return {
        params: { digits: nth(['1', '0#', '*95'], variant) },
        expected: accept(event(call, 'DtmfSent', same)),
      };
    case 'AttachUserData':
    case 'UpdateUserData': {
      const userData = {
        [nth(['AccountNumber', 'Lang', 'Tier'], variant) ?? 'Tier']: variant % 3 === 0 ? variant : 'x',
      };
      return {
        params: { userData },
        expected: accept(
          event(call, 'AttachedDataChanged', same, (c) =>
            expect(c.userData).toEqual(merged(call.userData, userData)),
          ),
        ),
      };
    }
    case 'DeleteUserData':
      return {
        params: {},
        expected: accept(
          event(call, 'AttachedDataChanged', same, (c) => expect('userData' in c).toBe(false)),
        ),
      };
    case 'DeleteUserDataPair': {
      const key = nth([...Object.keys(call.userData ?? {}), 'NoSuchKey'], variant) ?? 'NoSuchKey';
      return {
        params: { key },
        expected: accept(
          event(call, 'AttachedDataChanged', same, (c) =>
            expect(c.userData).toEqual(withoutKey(call.userData, key)),
          ),
        ),
      };
    }
    case 'MuteCall':
    case 'UnmuteCall': {
      const mute = op === 'MuteCall' ? 'On' : 'Off';
      return {
        params: {},
        expected: accept(event(call, 'StatusChange', same, (c) => expect(c.mute).toBe(mute))),
      };
    }
    default:
      throw new Error(
        `call ${call.id} offers ${op}, which this oracle does not know yet: teach it what follows`,
      );
  }
};

/** Malformed parameters for an offered operation, and the statusCode each must get (GWS-NOTES §3). */
export const badParams = (
  origin: string,
): Record<string, ReadonlyArray<[Record<string, unknown>, number]>> => {
  const { MISSING_PARAMETER: missing, INVALID_VALUE: invalid, NOT_FOUND: notFound } = STATUS_CODES;
  const unknownCall = `${origin}/api/v2/me/calls/NO0SUCH0CALL`;
  const destination: ReadonlyArray<[Record<string, unknown>, number]> = [
    [{}, missing],
    [{ destination: {} }, missing],
    [{ destination: '5001' }, invalid],
    [{ destination: { phoneNumber: 5001 } }, invalid],
  ];
  const userData: ReadonlyArray<[Record<string, unknown>, number]> = [
    [{}, missing],
    [{ userData: 'x' }, invalid],
    [{ userData: { k: { nested: true } } }, invalid],
  ];
  return {
    InitiateTransfer: destination,
    InitiateConference: destination,
    SingleStepTransfer: destination,
    SingleStepConference: destination,
    SendDtmf: [
      [{}, missing],
      [{ digits: '12a' }, invalid],
      [{ digits: 12 }, invalid],
    ],
    AttachUserData: userData,
    UpdateUserData: userData,
    DeleteUserDataPair: [
      [{}, missing],
      [{ key: 3 }, invalid],
    ],
    SwapCalls: [
      [{}, missing],
      [{ otherCallUri: unknownCall }, notFound],
    ],
    CompleteTransfer: [[{ consultCallUri: unknownCall }, notFound]],
    CompleteConference: [[{ consultCallUri: unknownCall }, notFound]],
    RemoveParticipantFromConference: [
      [{}, missing],
      [{ participant: '9999' }, STATUS_CODES.INVALID_STATE],
    ],
  };
};
