// Reads one recorded Bayeux row as a GWS notification: the only place that looks inside untrusted message data.
import { isRecord } from '../common/is-record.js';
import { callIdFromUri } from '../gws/index.js';
import type { BayeuxRow } from '../store/index.js';

/** The fields of a call object the analysis uses; every one may be missing from what was recorded. */
export interface CallSnapshot {
  id: string;
  state: string | null;
  callUuid: string | null;
  connId: string | null;
  callType: string | null;
  parentId: string | null;
  /** null when the notification had no participants field (keep the previous list) */
  participants: string[] | null;
  dnis: string | null;
  capabilities: string[] | null;
  userData: Record<string, unknown> | null;
  /** `duration` in whole seconds; null if absent or not a number */
  durationS: number | null;
}

export type Notification =
  | {
      kind: 'call';
      row: BayeuxRow;
      notificationType: string | null;
      /** the agent's DN */
      phoneNumber: string | null;
      call: CallSnapshot;
    }
  | { kind: 'device'; row: BayeuxRow }
  | {
      kind: 'error';
      row: BayeuxRow;
      errorCode: number | null;
      errorMessage: string | null;
      callId: string | null;
    }
  /** a CallStateChangeMessage whose call has no usable id */
  | { kind: 'malformed'; row: BayeuxRow; reason: string };

/** A string, or a number as text (GWS sends some ids either way); null for anything else. */
export const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

const num = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

const stringList = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;

const partyNumber = (party: unknown): string | null => {
  if (typeof party === 'string') return party;
  if (!isRecord(party)) return null;
  return (
    str(party.phoneNumber) ?? str(party.digits) ?? str(party.formattedPhoneNumber) ?? str(party.e164Number)
  );
};

/**
 * Both formats of GWS-NOTES §5.3: the seed's `participants` objects, and the older strings (with
 * `participantsInfo` beside them, used when the strings are missing).
 */
const readParticipants = (call: Record<string, unknown>): string[] | null => {
  const list = Array.isArray(call.participants)
    ? call.participants
    : Array.isArray(call.participantsInfo)
      ? call.participantsInfo
      : null;
  if (!list) return null;
  const numbers: string[] = [];
  for (const party of list) {
    const n = partyNumber(party);
    if (n !== null) numbers.push(n);
  }
  return numbers;
};

const readCall = (call: Record<string, unknown>): CallSnapshot | null => {
  const connId = str(call.connId);
  const callUuid = str(call.callUuid);
  // seed: id = callUuid; older format: id = connId. Fall back in that order so the id space matches request paths.
  const id = str(call.id) ?? callIdFromUri(str(call.uri) ?? str(call.path) ?? '') ?? callUuid ?? connId;
  if (id === null || id === '') return null;
  const parentUri = str(call.parentCallUri) ?? str(call.parentCallPath);
  return {
    id,
    state: str(call.state),
    callUuid,
    connId,
    callType: str(call.callType),
    parentId: parentUri === null ? null : callIdFromUri(parentUri),
    participants: readParticipants(call),
    dnis: str(call.dnis),
    capabilities: stringList(call.capabilities),
    userData: isRecord(call.userData) ? call.userData : null,
    durationS: num(call.duration),
  };
};

/**
 * The notification a row carries, or null if it is not one (a meta message, a request from the client,
 * another message type). Never throws, whatever the row holds.
 */
export const readNotification = (row: BayeuxRow): Notification | null => {
  if (row.direction !== 'to-client') return null;
  const message: unknown = row.message;
  if (!isRecord(message)) return null;
  const data = message.data;
  if (!isRecord(data)) return null;
  const messageType = data.messageType;
  if (messageType === 'CallStateChangeMessage') {
    if (!isRecord(data.call)) return { kind: 'malformed', row, reason: 'no call object' };
    const call = readCall(data.call);
    if (!call) return { kind: 'malformed', row, reason: 'call has no id' };
    return {
      kind: 'call',
      row,
      notificationType: str(data.notificationType),
      phoneNumber: str(data.phoneNumber),
      call,
    };
  }
  if (messageType === 'DeviceStateChangeMessage') return { kind: 'device', row };
  if (messageType === 'ErrorMessage') {
    const uri = str(data.callUri) ?? (isRecord(data.call) ? str(data.call.id) : null);
    return {
      kind: 'error',
      row,
      errorCode: num(data.errorCode),
      errorMessage: str(data.errorMessage),
      callId: uri === null ? null : (callIdFromUri(uri) ?? uri),
    };
  }
  return null;
};
