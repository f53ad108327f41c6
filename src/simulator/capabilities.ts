// What a call offers now: the seed's and docs' lists (GWS-NOTES §7.1, §7.2), and the lists we derive for the rest (§7.3).
import { CAPABILITIES } from '../gws/index.js';
import type { CallModel, SimCall } from './call-model.js';

const without = (list: readonly string[], ...names: string[]): string[] =>
  list.filter((n) => !names.includes(n));

/** Inserts `name` right after `anchor` (or at the end), keeping the seed's order of everything else. */
const insertAfter = (list: readonly string[], anchor: string, name: string): string[] => {
  const at = list.indexOf(anchor);
  return at < 0 ? [...list, name] : [...list.slice(0, at + 1), name, ...list.slice(at + 1)];
};

/** Seed consult list; a conference consult completes with CompleteConference instead (§7.3). */
const consultList = (call: SimCall, model: CallModel): string[] => {
  const parentIsLive = model.parentOf(call) !== undefined;
  let list: string[] = [...CAPABILITIES.consultDialing];
  if (call.consultKind === 'conference') {
    list = list.map((n) => (n === 'CompleteTransfer' ? 'CompleteConference' : n));
  }
  // Nothing left to swap with or complete into once the parent is gone.
  if (!parentIsLive) list = without(list, 'SwapCalls', 'CompleteTransfer', 'CompleteConference');
  if (call.state === 'Established') return insertAfter(list, 'SendDtmf', 'Hold');
  // A held consult can be swapped back, completed or dropped; DTMF needs a connected line.
  if (call.state === 'Held') return without(list, 'SendDtmf');
  return list;
};

const establishedList = (call: SimCall, model: CallModel): string[] => {
  let list: string[] = [...CAPABILITIES.established];
  if (call.mute === 'On') list.push('UnmuteCall');
  else if (call.agent.canMute) list.push('MuteCall');
  if (call.isConference) list.push('RemoveParticipantFromConference');
  const other = model.related(call);
  if (other?.state === 'Held') list = [...list, ...CAPABILITIES.withHeldCall];
  return list;
};

/** The operation names `call` allows now, in the order GWS lists them. */
export const capabilitiesOf = (call: SimCall, model: CallModel): string[] => {
  switch (call.state) {
    case 'Released':
      return [...CAPABILITIES.released];
    case 'Ringing': {
      // Public devices cannot answer (Answer page); only queue-delivered calls can be rejected (Reject page).
      const list =
        call.agent.telephonyNetwork === 'Public'
          ? without(CAPABILITIES.ringing, 'Answer')
          : [...CAPABILITIES.ringing];
      return call.isQueued ? [...list, 'Reject'] : list;
    }
    case 'Dialing':
      return call.callType === 'Consult' ? consultList(call, model) : [...CAPABILITIES.dialing];
    case 'Established':
      return call.callType === 'Consult' ? consultList(call, model) : establishedList(call, model);
    case 'Held':
      return call.callType === 'Consult' ? consultList(call, model) : [...CAPABILITIES.held];
    default: {
      const never: never = call.state;
      return never;
    }
  }
};
