// What an agent may ask of the simulator next: generated intents, resolved against the calls it knows into requests and what must follow.
import fc from 'fast-check';
import { expect } from 'vitest';
import { CALL_OPERATIONS, STATUS_CODES } from '../../src/gws/index.js';
import {
  accept,
  badParams,
  type CallView,
  type Expected,
  event,
  nth,
  offeredOperation,
  phones,
  refuse,
} from './call-oracle.js';
import { oddText } from './fuzz-arbitraries.js';

/**
 * One step an agent (or the far end, through /sim) takes. Numbers are picks, resolved against the
 * calls the agent knows when the step runs, so a generated sequence stays meaningful as calls come and go.
 */
export type Intent =
  | { kind: 'ring'; from: string; isQueued: boolean }
  | { kind: 'dial'; to: string }
  | { kind: 'far-end'; pick: number; action: 'answer' | 'hangup' }
  /**
   * `isFocused`: act on the call that changed last, as an agent works on one call at a time;
   * `isCallControl`: choose among the operations that move calls (not attached data or DTMF) when there are some.
   */
  | { kind: 'offered'; pick: number; isFocused: boolean; op: number; variant: number; isCallControl: boolean }
  | { kind: 'not-offered'; pick: number; op: number }
  | { kind: 'bad-params'; pick: number; op: number; variant: number }
  | { kind: 'released'; pick: number; op: number }
  | { kind: 'junk'; pick: number; body: string };

const pick = fc.nat({ max: 1000 });

/** A body that is no call operation at all: odd text, or an object whose operationName is none. */
const junkBody: fc.Arbitrary<string> = fc
  .oneof(
    oddText,
    fc
      .record({ operationName: fc.oneof(fc.string(), fc.jsonValue()), destination: fc.jsonValue() })
      .map((body) => JSON.stringify(body)),
  )
  .filter((text) => {
    try {
      const parsed: unknown = JSON.parse(text);
      const name = (parsed as { operationName?: unknown } | null)?.operationName;
      return !(CALL_OPERATIONS as readonly unknown[]).includes(name);
    } catch {
      return true;
    }
  });

/** Mostly operations the call offers, sent well-formed; the rest refused on purpose or from the far end. */
export const intent: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('offered'),
      pick,
      isFocused: fc.nat(3).map((n) => n > 0),
      op: pick,
      variant: pick,
      isCallControl: fc.nat(4).map((n) => n > 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('ring'),
      from: fc.constantFrom('5000', '5002', '+33123456789'),
      isQueued: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('dial'), to: fc.constantFrom('5001', '+14155550123') }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('far-end'),
      pick,
      action: fc.constantFrom('answer', 'hangup'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('not-offered'), pick, op: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bad-params'), pick, op: pick, variant: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('released'), pick, op: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk'), pick, body: junkBody }) },
) as fc.Arbitrary<Intent>;

/** A resolved step: the request to send and what must come of it. */
export interface Step {
  /** what the tallies count it as: an operationName, or `ring`, `dial`, `far-end answer`… */
  label: string;
  api: 'gws' | 'control';
  path: string;
  body: string;
  expected: Expected;
}

export interface Endpoints {
  origin: string;
  deviceId: string;
}

/**
 * How often an offered operation is chosen, against 1 for the rest: those of transfers, conferences and
 * swaps come first, so sequences often get that far before a Hangup ends them.
 */
const OPERATION_WEIGHTS: Readonly<Record<string, number>> = {
  Answer: 3,
  Hold: 2,
  Retrieve: 2,
  InitiateTransfer: 3,
  InitiateConference: 2,
  CompleteTransfer: 4,
  CompleteConference: 3,
  SwapCalls: 3,
};

const weighted = (names: readonly string[]): string[] =>
  names.flatMap((name) => Array<string>(OPERATION_WEIGHTS[name] ?? 1).fill(name));

/** Operations that leave the call's state and parties as they are. */
const DATA_OPERATIONS = [
  'AttachUserData',
  'UpdateUserData',
  'DeleteUserData',
  'DeleteUserDataPair',
  'SendDtmf',
];

const operationStep = (label: string, call: { id: string }, body: unknown, expected: Expected): Step => ({
  label,
  api: 'gws',
  path: `/api/v2/me/calls/${call.id}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  expected,
});

const ringStep = (from: string, isQueued: boolean): Step => ({
  label: 'ring',
  api: 'control',
  path: '/sim/calls',
  body: JSON.stringify({ to: '5005', from, ...(isQueued ? { queue: 'sales' } : {}) }),
  expected: accept(
    event(undefined, 'StatusChange', 'Ringing', (c) => {
      expect(phones(c)).toEqual([from]);
      expect(c.callType).toBe(/^\d{1,6}$/.test(from) ? 'Internal' : 'Inbound');
      expect(c.capabilities.includes('Reject')).toBe(isQueued);
    }),
  ),
});

/** Turns an intent into the request to send now and what must follow, given what the agent knows. */
export const resolve = (view: CallView, wanted: Intent, endpoints: Endpoints): Step => {
  const live = [...view.live.values()];
  if (wanted.kind === 'ring') return ringStep(wanted.from, wanted.isQueued);
  if (wanted.kind === 'dial') {
    return {
      label: 'Dial',
      api: 'gws',
      path: `/api/v2/me/devices/${endpoints.deviceId}/calls`,
      body: JSON.stringify({ operationName: 'Dial', destination: { phoneNumber: wanted.to } }),
      expected: accept(
        event(undefined, 'StatusChange', 'Dialing', (c) => {
          expect(phones(c)).toEqual([wanted.to]);
          expect(c.callType).toBe(wanted.to.startsWith('+') ? 'Outbound' : 'Internal');
        }),
      ),
    };
  }
  if (wanted.kind === 'released') {
    const gone = nth([...view.released], wanted.pick) ?? 'NO0SUCH0CALL';
    const op = nth(CALL_OPERATIONS, wanted.op) ?? 'Answer';
    return operationStep(
      `${op} on a released call`,
      { id: gone },
      { operationName: op },
      refuse(STATUS_CODES.NOT_FOUND),
    );
  }
  const isFocused = wanted.kind === 'offered' && wanted.isFocused;
  // The far end answers what is dialing it, if anything is (GWS-NOTES §9: a consult stays Dialing until then).
  const dialing = live.filter((c) => c.state === 'Dialing');
  const wantsDialing = wanted.kind === 'far-end' && wanted.action === 'answer' && dialing.length > 0;
  const call = isFocused ? live.at(-1) : nth(wantsDialing ? dialing : live, wanted.pick);
  // Nothing to act on: the phone rings instead.
  if (call === undefined) return ringStep('5000', false);
  switch (wanted.kind) {
    case 'far-end': {
      const isAnswer = wanted.action === 'answer';
      const canAnswer = call.state === 'Dialing';
      return {
        label: `far-end ${wanted.action}`,
        api: 'control',
        path: `/sim/calls/${call.id}/${wanted.action}`,
        body: '{}',
        expected: isAnswer
          ? canAnswer
            ? accept(event(call, 'StatusChange', 'Established'))
            : refuse(409)
          : accept(event(call, 'StatusChange', 'Released')),
      };
    }
    case 'offered': {
      const moving = call.capabilities.filter((name) => !DATA_OPERATIONS.includes(name));
      const op = nth(
        weighted(wanted.isCallControl && moving.length > 0 ? moving : call.capabilities),
        wanted.op,
      );
      if (op === undefined) throw new Error(`live call ${call.id} offers nothing`);
      const { params, expected } = offeredOperation(view, call, op, wanted.variant);
      return operationStep(op, call, { operationName: op, ...params }, expected);
    }
    case 'not-offered': {
      const op = nth(
        CALL_OPERATIONS.filter((name) => !call.capabilities.includes(name)),
        wanted.op,
      );
      return operationStep(
        `${op} not offered`,
        call,
        { operationName: op },
        refuse(STATUS_CODES.INVALID_STATE),
      );
    }
    case 'bad-params': {
      const table = badParams(endpoints.origin);
      const op = nth(
        call.capabilities.filter((name) => table[name] !== undefined),
        wanted.op,
      );
      const variants = op === undefined ? undefined : table[op];
      const bad = variants === undefined ? undefined : nth(variants, wanted.variant);
      if (op === undefined || bad === undefined) {
        return operationStep('no operationName', call, {}, refuse(STATUS_CODES.MISSING_PARAMETER));
      }
      return operationStep(`${op} malformed`, call, { operationName: op, ...bad[0] }, refuse(bad[1]));
    }
    case 'junk':
      // GWS-NOTES §3: no JSON or no operationName → 1; an unknown operationName → 2.
      return operationStep(
        'junk',
        call,
        wanted.body,
        refuse(STATUS_CODES.MISSING_PARAMETER, STATUS_CODES.INVALID_STATE),
      );
    default: {
      const never: never = wanted;
      return never;
    }
  }
};
