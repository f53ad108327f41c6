// Which notifications each GWS operation should produce, in which order (GWS-NOTES §4 and §9), as data.
import type { ExpectationRole } from './types.js';

export interface ExpectedNotification {
  role: ExpectationRole;
  /** the call state it must carry, any of these; undefined = any state */
  states?: readonly string[];
  /** its notificationType, any of these; undefined = any */
  notificationTypes?: readonly string[];
  /** documented order: a notification of lower rank must come before one of higher rank */
  rank: number;
  /** for people: "consult call Dialing" */
  description: string;
}

const on = (
  role: ExpectationRole,
  description: string,
  rank: number,
  match: { states?: readonly string[]; notificationTypes?: readonly string[] } = {},
): ExpectedNotification => ({ role, description, rank, ...match });

const state = (role: ExpectationRole, s: string, rank = 0, who = 'call'): ExpectedNotification =>
  on(role, `${who} ${s}`, rank, { states: [s] });

const typed = (notificationType: string): readonly ExpectedNotification[] => [
  on('target', `call ${notificationType}`, 0, { notificationTypes: [notificationType] }),
];

const DEVICE: readonly ExpectedNotification[] = [on('device', 'DeviceStateChangeMessage', 0)];

/**
 * Expected notifications per operationName. An operation missing from this table is linked to every call
 * notification of its call within the window, and never reported as missing anything.
 */
export const EXPECTED_NOTIFICATIONS: Readonly<Record<string, readonly ExpectedNotification[]>> = {
  Answer: [state('target', 'Established')],
  Hangup: [state('target', 'Released')],
  Hold: [state('target', 'Held')],
  Retrieve: [state('target', 'Established')],
  Reject: [state('target', 'Released')],
  ClearCall: [state('target', 'Released')],
  // seed Sample 2: the parent is Held first, then the consult call appears Dialing
  InitiateTransfer: [
    state('target', 'Held', 0, 'original call'),
    state('new-consult', 'Dialing', 1, 'consult call'),
  ],
  InitiateConference: [
    state('target', 'Held', 0, 'original call'),
    state('new-consult', 'Dialing', 1, 'consult call'),
  ],
  // seed Sample 2: the original call is Released first, then the consult call
  CompleteTransfer: [
    state('original', 'Released', 0, 'original call'),
    state('consult', 'Released', 1, 'consult call'),
  ],
  // GWS-NOTES §4: the consult is Released first [D]; then the parent is updated with both parties [A]
  CompleteConference: [
    state('consult', 'Released', 0, 'consult call'),
    on('original', 'original call updated', 1),
  ],
  SingleStepTransfer: [state('target', 'Released')],
  SingleStepConference: [on('target', 'call updated', 0)],
  RemoveParticipantFromConference: typed('ParticipantsUpdated'),
  // the two calls trade places; the docs' order depends on which one was posted to, so no rank between them
  SwapCalls: [
    on('target', 'call Held or Established', 0, { states: ['Held', 'Established'] }),
    on('other', 'other call Held or Established', 0, { states: ['Held', 'Established'] }),
  ],
  SendDtmf: typed('DtmfSent'),
  AttachUserData: typed('AttachedDataChanged'),
  UpdateUserData: typed('AttachedDataChanged'),
  DeleteUserData: typed('AttachedDataChanged'),
  DeleteUserDataPair: typed('AttachedDataChanged'),
  MuteCall: [on('target', 'call updated', 0)],
  UnmuteCall: [on('target', 'call updated', 0)],
  StartCallRecording: typed('CallRecordingStateChange'),
  StopCallRecording: typed('CallRecordingStateChange'),
  PauseCallRecording: typed('CallRecordingStateChange'),
  ResumeCallRecording: typed('CallRecordingStateChange'),
  Dial: [state('new-call', 'Dialing', 0, 'new call')],
  Ready: DEVICE,
  NotReady: DEVICE,
  AfterCallWork: DEVICE,
  AuxWork: DEVICE,
  DoNotDisturbOn: DEVICE,
  DoNotDisturbOff: DEVICE,
};

/** The table entry for an operation; undefined if the operation is not in the table. */
export const expectedNotificationsOf = (
  operationName: string,
): readonly ExpectedNotification[] | undefined =>
  Object.hasOwn(EXPECTED_NOTIFICATIONS, operationName) ? EXPECTED_NOTIFICATIONS[operationName] : undefined;
