// The GWS API v2 Voice model as the seed (CompleteTransfer.txt) and GWS-NOTES.md show it: calls, devices, messages.
//
// Key order matters: the seed's objects list their keys in a fixed order, and every interface here
// declares its fields in that order, so a builder that follows the interface reproduces the seed.

/** GWS-NOTES §5.3; `Released` is final: a released call id is never reused. */
export type CallState = 'Ringing' | 'Dialing' | 'Established' | 'Held' | 'Released';

/** GWS-NOTES §5.3 (Call Resource); `Consult` is the second leg of a two-step transfer or conference. */
export type CallType = 'Internal' | 'Inbound' | 'Outbound' | 'Consult';

/** `data.notificationType` of a CallStateChangeMessage (GWS-NOTES §5.2). */
export type NotificationType =
  | 'StatusChange'
  | 'AttachedDataChanged'
  | 'ParticipantsUpdated'
  | 'DtmfSent'
  | 'CallRecordingStateChange'
  | 'MonitoredUserMutedStateChange';

export type OnOff = 'On' | 'Off';

/** One remote party of a call (never the agent itself); seed key order. */
export interface Participant {
  /** "" for internal DNs */
  e164Number: string;
  formattedPhoneNumber: string;
  phoneNumber: string;
  digits: string;
}

/** Attached data: a flat object of string keys to string or number values (GWS-NOTES §4, AttachUserData). */
export type UserData = Record<string, string | number>;

export type RecordingState = 'Stopped' | 'Recording' | 'Paused';

/**
 * The call object of a CallStateChangeMessage (GWS-NOTES §5.3), fields in the seed's key order.
 * Every notification carries the whole object, never a delta.
 */
export interface Call {
  /** equals callUuid (8.5.2+); 8.5.0-era servers used the connId here */
  id: string;
  state: CallState;
  /** 32 chars of base32hex: per-run prefix + "AES" + counter (GWS-NOTES §8) */
  callUuid: string;
  /** 16 lowercase hex from T-Server */
  connId: string;
  /** absolute URI of `/api/v2/devices/{deviceId}` */
  deviceUri: string;
  /** the other parties, not the agent */
  participants: Participant[];
  /** inbound: the agent's DN; outbound and consult: the dialled number */
  dnis: string;
  /** caller number, external calls only; absent otherwise */
  ani?: string;
  callType: CallType;
  /** operation names allowed now (GWS-NOTES §7); `[]` when Released */
  capabilities: string[];
  /** absent when empty */
  userData?: UserData;
  /** consult calls only: the parent call's absolute URI */
  parentCallUri?: string;
  /** whole seconds since the call appeared, as a string ("0" while Ringing/Dialing) */
  duration: string;
  mute: OnOff;
  /** only where call recording is licensed */
  recordingState?: RecordingState;
  supervisorListeningIn: boolean;
  monitoredUserMuted: boolean;
  /** present on some servers only (seed Sample 1 has it, Sample 2 does not) */
  monitoring?: boolean;
  /** absolute URI of `/api/v2/me/calls/{id}` */
  uri: string;
  /** `/calls/{id}`, relative to `/api/v2/me` */
  path: string;
  /** consult released by CompleteConference: `/calls/{parentId}` */
  parentCallPath?: string;
}

/** `data` of a notification on `/v2/me/calls` (GWS-NOTES §5.2), seed key order. */
export interface CallStateChangeMessage {
  notificationType: NotificationType;
  call: Call;
  /** the agent's own DN, not the caller's */
  phoneNumber: string;
  /** e.g. `{"WrapUpTime":0,"BusinessCall":0}`; absent on some servers */
  extensions?: Record<string, number>;
  messageType: 'CallStateChangeMessage';
}

export type AgentState = 'Ready' | 'NotReady';

export type WorkMode = 'AfterCallWork' | 'AuxWork' | 'ManualIn' | 'AutoIn';

/** An agent state as devices carry it (GWS-NOTES §5.4). */
export interface UserState {
  /** uppercase UUID of the state definition */
  id: string;
  displayName: string;
  state: AgentState;
  /** absent for plain Ready / NotReady */
  workMode?: WorkMode;
}

export type DeviceState = 'Active' | 'Inactive';

export type TelephonyNetwork = 'Private' | 'Public';

/** A device (DN) as GET `/api/v2/me/devices?fields=*` and DeviceStateChangeMessage carry it (GWS-NOTES §5.4). */
export interface Device {
  /** lowercase UUID v4 */
  id: string;
  deviceState: DeviceState;
  userState: UserState;
  phoneNumber: string;
  /** "" for internal DNs */
  e164Number: string;
  /** `Public` devices cannot Answer (no capability) */
  telephonyNetwork: TelephonyNetwork;
  doNotDisturb: OnOff;
  /** absolute URI of `/api/v2/voice-environments/{id}` */
  voiceEnvironmentUri: string;
  /** device operations allowed now, e.g. `ForwardCallsOn`, `DoNotDisturbOn` */
  capabilities: string[];
  supervisorMonitoringState?: string;
}

/** `data` of a notification on `/v2/me/devices`: agent state, DND and forwarding changes. */
export interface DeviceStateChangeMessage {
  messageType: 'DeviceStateChangeMessage';
  devices: Device[];
}

/** `data` of an asynchronous failure (T-Server refused what GWS accepted); shape assumed (GWS-NOTES §5.5). */
export interface ErrorMessage {
  messageType: 'ErrorMessage';
  errorCode: number;
  errorMessage: string;
  /** the call the failed request was about, if any */
  callUri?: string;
  /** echoed from the request when it carried one */
  referenceId?: string;
}

/** Everything the voice API publishes on `/v2/me/*`, told apart by `messageType`. */
export type GwsNotificationData = CallStateChangeMessage | DeviceStateChangeMessage | ErrorMessage;

/** GET `/api/v2/me` `user` (GWS-NOTES §1), seed-doc key order. */
export interface User {
  /** 32 lowercase hex */
  id: string;
  userName: string;
  firstName: string;
  lastName: string;
  roles: string[];
  enabled: boolean;
  changePasswordOnFirstLogin: boolean;
  /** absolute URI of `/api/v2/users/{id}` */
  uri: string;
  /** `/users/{id}` */
  path: string;
}

/** One media channel of GET `/api/v2/me/channels` (GWS-NOTES §1). */
export interface Channel {
  channel: string;
  phoneNumber: string;
  switchName: string;
  userActivity: string;
  userState: UserState;
}

/**
 * Every REST response body: `statusCode` 0 on success; otherwise `statusMessage` and nothing else
 * (GWS-NOTES §3, Return Values).
 */
export interface GwsResponse {
  statusCode: number;
  statusMessage?: string;
  [field: string]: unknown;
}

/** `destination` parameter of Dial, InitiateTransfer, SingleStepTransfer and the conference operations. */
export interface Destination {
  phoneNumber: string;
}

/**
 * A POST body on a voice resource: `operationName` plus that operation's parameters (GWS-NOTES §4).
 * Read from the wire: every field may be missing or of the wrong type until validated.
 */
export interface OperationRequest {
  operationName: string;
  destination?: Destination;
  location?: string;
  userData?: UserData;
  consultCallUri?: string;
  otherCallUri?: string;
  /** RemoveParticipantFromConference: a phone number */
  participant?: string;
  /** SendDtmf: digits 0-9 */
  digits?: string;
  /** DeleteUserDataPair */
  key?: string;
  outboundCallerId?: string;
  /** StartContactCenterSession */
  channels?: string[];
  place?: string;
  workmode?: WorkMode;
  referenceId?: string;
}
