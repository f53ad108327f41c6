// Constants of the GWS API v2 Voice API: paths, channels, status codes, capability lists and URI fields (GWS-NOTES.md).
import type { UserState } from './types.js';

/** REST base path; `path` fields in bodies are relative to `${API_PREFIX}/me` or `${API_PREFIX}`. */
export const API_PREFIX = '/api/v2';

/** Default CometD endpoint; the official client appends `/handshake`, `/connect`, … to it (GWS-NOTES §6). */
export const NOTIFICATIONS_PATH = '/api/v2/notifications';

/** CometD topics the voice API publishes on (GWS-NOTES §5.1). */
export const GWS_CHANNELS = {
  calls: '/v2/me/calls',
  devices: '/v2/me/devices',
  channels: '/v2/me/channels',
  me: '/v2/me',
} as const;

export type GwsChannel = (typeof GWS_CHANNELS)[keyof typeof GWS_CHANNELS];

/** `statusCode` values of GWS responses (GWS-NOTES §3, Return Values). */
export const STATUS_CODES = {
  OK: 0,
  MISSING_PARAMETER: 1,
  INVALID_STATE: 2,
  FORBIDDEN: 3,
  INTERNAL_ERROR: 4,
  NO_PERMISSION: 5,
  NOT_FOUND: 6,
  PARTIAL_SUCCESS: 7,
  CHANGE_PASSWORD: 8,
  INCOMPLETE: 9,
  INVALID_VALUE: 10,
  READ_ONLY: 11,
  CANNOT_RETRIEVE: 12,
  CANNOT_CREATE: 13,
  CANNOT_DELETE: 14,
  CANNOT_UPDATE: 15,
  CANNOT_ASSIGN: 16,
  CANNOT_UNASSIGN: 17,
  ALREADY_EXISTS: 18,
  IN_USE: 19,
  ACCESS_DENIED: 20,
} as const;

export type StatusCode = (typeof STATUS_CODES)[keyof typeof STATUS_CODES];

/**
 * HTTP status that goes with a `statusCode`: 0 → 200 and 4 (voice down) → 503 are documented, the
 * rest is our choice (GWS-NOTES §3). Codes missing here answer 400.
 */
export const HTTP_STATUS_BY_STATUS_CODE: Readonly<Record<number, number>> = {
  0: 200,
  1: 400,
  2: 400,
  3: 403,
  4: 500,
  5: 403,
  6: 404,
  7: 200,
  10: 400,
  11: 400,
  18: 409,
  19: 409,
  20: 401,
};

/** Session cookie GWS keeps (GWS-NOTES §2). */
export const SESSION_COOKIE = 'JSESSIONID';

/** Response header naming the header that must carry the CSRF token (GWS-NOTES §2). */
export const CSRF_HEADER_NAME_HEADER = 'X-CSRF-HEADER';
/** Default name of the header carrying the CSRF token, in both directions. */
export const CSRF_TOKEN_HEADER = 'X-CSRF-TOKEN';
/** Body text of the 403 a POST without a valid CSRF token gets. */
export const CSRF_REJECTION_TEXT = 'Missing or invalid Csrf token';

/**
 * Fields whose value is an absolute URI (or, for `uris`, a list of them) built from the server's
 * external origin. `Location` is the HTTP header. The proxy and replay rewrite the origin wherever it
 * stands, not field by field: this list says which fields carry one.
 */
export const URL_FIELDS = [
  'uri',
  'parentCallUri',
  'deviceUri',
  'voiceEnvironmentUri',
  'uris',
  'otherCallUri',
  'consultCallUri',
  'callUri',
  'Location',
] as const;

export type UrlField = (typeof URL_FIELDS)[number];

/** Key order of a call object (GWS-NOTES §5.3; optional keys placed as the doc samples place them). */
export const CALL_KEY_ORDER = [
  'id',
  'state',
  'callUuid',
  'connId',
  'deviceUri',
  'participants',
  'dnis',
  'ani',
  'callType',
  'capabilities',
  'userData',
  'parentCallUri',
  'duration',
  'mute',
  'recordingState',
  'supervisorListeningIn',
  'monitoredUserMuted',
  'monitoring',
  'uri',
  'path',
  'parentCallPath',
] as const;

/** Operations POSTed to `/api/v2/me/calls/{id}` (GWS-NOTES §4). */
export const CALL_OPERATIONS = [
  'Answer',
  'Hangup',
  'Hold',
  'Retrieve',
  'Reject',
  'ClearCall',
  'InitiateTransfer',
  'CompleteTransfer',
  'SingleStepTransfer',
  'InitiateConference',
  'CompleteConference',
  'SingleStepConference',
  'RemoveParticipantFromConference',
  'SwapCalls',
  'SendDtmf',
  'MuteCall',
  'UnmuteCall',
  'AttachUserData',
  'UpdateUserData',
  'DeleteUserData',
  'DeleteUserDataPair',
  'StartCallRecording',
  'StopCallRecording',
  'PauseCallRecording',
  'ResumeCallRecording',
  'MuteMonitoredUser',
] as const;

export type CallOperationName = (typeof CALL_OPERATIONS)[number];

/** Operations POSTed to `/api/v2/me/channels/voice` (GWS-NOTES §4). */
export const AGENT_STATE_OPERATIONS = ['Ready', 'NotReady', 'AfterCallWork', 'AuxWork'] as const;
export type AgentStateOperationName = (typeof AGENT_STATE_OPERATIONS)[number];

/**
 * Capability lists, copied in order from the seed (GWS-NOTES §7.1) and the op pages (§7.2).
 * Lists for situations no source shows are derived from these by the simulator.
 */
export const CAPABILITIES = {
  /** seed: Ringing, inbound Internal */
  ringing: ['UpdateUserData', 'DeleteUserData', 'AttachUserData', 'DeleteUserDataPair', 'Answer'],
  /** seed: Established (also the Answer page) */
  established: [
    'UpdateUserData',
    'SingleStepConference',
    'DeleteUserData',
    'Hangup',
    'SendDtmf',
    'Hold',
    'AttachUserData',
    'SingleStepTransfer',
    'InitiateConference',
    'DeleteUserDataPair',
    'InitiateTransfer',
  ],
  /** seed: parent Held right after InitiateTransfer (also the Hold page) */
  held: [
    'UpdateUserData',
    'SingleStepConference',
    'DeleteUserData',
    'Hangup',
    'Retrieve',
    'AttachUserData',
    'SingleStepTransfer',
    'InitiateConference',
    'DeleteUserDataPair',
    'InitiateTransfer',
  ],
  /** seed: consult call of a two-step transfer, Dialing */
  consultDialing: [
    'UpdateUserData',
    'DeleteUserData',
    'Hangup',
    'SwapCalls',
    'CompleteTransfer',
    'SendDtmf',
    'AttachUserData',
    'DeleteUserDataPair',
  ],
  /** Dial page: own outbound call, Dialing */
  dialing: ['SendDtmf', 'DeleteUserData', 'AttachUserData', 'DeleteUserDataPair', 'Hangup', 'UpdateUserData'],
  /** SwapCalls page: added to `established` while another call is held */
  withHeldCall: ['SwapCalls', 'CompleteTransfer', 'CompleteConference'],
  released: [],
} as const satisfies Record<string, readonly string[]>;

/** Device capabilities seen in docs (GWS-NOTES §5.4). */
export const DEVICE_CAPABILITIES = {
  doNotDisturbOff: ['ForwardCallsOn', 'DoNotDisturbOn'],
  doNotDisturbOn: ['ForwardCallsOn', 'DoNotDisturbOff'],
} as const satisfies Record<string, readonly string[]>;

/** Agent states with the ids the docs' samples use (GWS-NOTES §5.4). */
export const USER_STATES = {
  Ready: { id: '9430250E-0A1B-421F-B372-F29E69366DED', displayName: 'Ready', state: 'Ready' },
  NotReady: { id: '900D55CC-2BB0-431F-8BF9-D3525B383BE6', displayName: 'Not Ready', state: 'NotReady' },
  AfterCallWork: {
    id: 'D3663509-3D82-4DD3-A82E-2EA8EFA02AEF',
    displayName: 'AfterCallWork',
    state: 'NotReady',
    workMode: 'AfterCallWork',
  },
  AuxWork: {
    id: '2B36138D-C564-4562-A8CB-3C32D564F296',
    displayName: 'AuxWork',
    state: 'NotReady',
    workMode: 'AuxWork',
  },
} as const satisfies Record<string, UserState>;

/** GET `/api/v2/diagnostics/version` answers this version (GWS-NOTES §1). */
export const GWS_VERSION = '8.5.200.50';
