// Builds what the simulator says: call and device objects in the seed's key order, and the CometD notifications carrying them.
import {
  API_PREFIX,
  type Call,
  type CallStateChangeMessage,
  DEVICE_CAPABILITIES,
  type Device,
  type DeviceStateChangeMessage,
  type ErrorMessage,
  GWS_CHANNELS,
  type GwsNotificationData,
  type NotificationType,
  type Participant,
  type User,
} from '../gws/index.js';
import type { Agent } from './agents.js';
import type { SimCall } from './call-model.js';

/** Environment id of the docs' samples (GWS-NOTES §8). */
export const VOICE_ENVIRONMENT_ID = '370ef5e6-9e3c-4d91-9588-7f4dfe67e011';

/** One message to publish: `principal` is the agent (DN) whose CometD clients get it. */
export interface Notification {
  channel: string;
  data: GwsNotificationData;
  principal: string;
}

export const callPath = (id: string): string => `/calls/${id}`;
/** `origin` is the simulator's own listen origin, e.g. `http://127.0.0.1:8080` (GWS-NOTES §1). */
export const callUri = (origin: string, id: string): string => `${origin}${API_PREFIX}/me${callPath(id)}`;
export const deviceUri = (origin: string, deviceId: string): string =>
  `${origin}${API_PREFIX}/devices/${deviceId}`;

/** Internal DNs have no E.164 form; a number written with "+" is its own. */
export const participantOf = (phoneNumber: string): Participant => ({
  e164Number: phoneNumber.startsWith('+') ? phoneNumber : '',
  formattedPhoneNumber: phoneNumber,
  phoneNumber,
  digits: phoneNumber,
});

export interface CallViewContext {
  origin: string;
  capabilities: string[];
  durationSeconds: number;
}

/** The call object of GWS-NOTES §5.3, keys in the seed's order; optional keys only where they apply. */
export const callView = (call: SimCall, ctx: CallViewContext): Call => {
  const hasUserData = Object.keys(call.userData).length > 0;
  const showsParent =
    call.parentId !== undefined && (call.state !== 'Released' || !call.agent.dropsParentCallUriOnRelease);
  return {
    id: call.id,
    state: call.state,
    callUuid: call.id,
    connId: call.connId,
    deviceUri: deviceUri(ctx.origin, call.agent.deviceId),
    participants: call.participants.map(participantOf),
    dnis: call.dnis,
    ...(call.ani === undefined ? {} : { ani: call.ani }),
    callType: call.callType,
    capabilities: ctx.capabilities,
    ...(hasUserData ? { userData: { ...call.userData } } : {}),
    ...(showsParent && call.parentId !== undefined
      ? { parentCallUri: callUri(ctx.origin, call.parentId) }
      : {}),
    duration: String(ctx.durationSeconds),
    mute: call.mute,
    supervisorListeningIn: false,
    monitoredUserMuted: false,
    ...(call.agent.hasMonitoringField ? { monitoring: false } : {}),
    uri: callUri(ctx.origin, call.id),
    path: callPath(call.id),
    ...(call.hasParentCallPath && call.parentId !== undefined
      ? { parentCallPath: callPath(call.parentId) }
      : {}),
  };
};

export const callNotification = (
  call: SimCall,
  notificationType: NotificationType,
  ctx: CallViewContext,
): Notification => {
  const data: CallStateChangeMessage = {
    notificationType,
    call: callView(call, ctx),
    phoneNumber: call.agent.phoneNumber,
    ...(call.agent.extensions === null ? {} : { extensions: { ...call.agent.extensions } }),
    messageType: 'CallStateChangeMessage',
  };
  return { channel: GWS_CHANNELS.calls, data, principal: call.agent.phoneNumber };
};

/** The agent's device as GET `/me/devices?fields=*` and DeviceStateChangeMessage show it (GWS-NOTES §5.4). */
export const deviceView = (agent: Agent, origin: string): Device => ({
  id: agent.deviceId,
  deviceState: agent.deviceState,
  userState: { ...agent.userState },
  phoneNumber: agent.phoneNumber,
  e164Number: '',
  telephonyNetwork: agent.telephonyNetwork,
  doNotDisturb: agent.doNotDisturb,
  voiceEnvironmentUri: `${origin}${API_PREFIX}/voice-environments/${VOICE_ENVIRONMENT_ID}`,
  capabilities: [
    ...(agent.doNotDisturb === 'On'
      ? DEVICE_CAPABILITIES.doNotDisturbOn
      : DEVICE_CAPABILITIES.doNotDisturbOff),
  ],
});

export const deviceNotification = (agent: Agent, origin: string): Notification => {
  const data: DeviceStateChangeMessage = {
    messageType: 'DeviceStateChangeMessage',
    devices: [deviceView(agent, origin)],
  };
  return { channel: GWS_CHANNELS.devices, data, principal: agent.phoneNumber };
};

/** An asynchronous failure on `/v2/me/calls` (GWS-NOTES §5.5). */
export const errorNotification = (
  agent: Agent,
  errorCode: number,
  errorMessage: string,
  callUriValue?: string,
): Notification => {
  const data: ErrorMessage = {
    messageType: 'ErrorMessage',
    errorCode,
    errorMessage,
    ...(callUriValue === undefined ? {} : { callUri: callUriValue }),
  };
  return { channel: GWS_CHANNELS.calls, data, principal: agent.phoneNumber };
};

/** GET `/api/v2/me`'s `user` (GWS-NOTES §1). */
export const userView = (agent: Agent, origin: string): User => ({
  id: agent.userId,
  userName: agent.userName,
  firstName: agent.firstName,
  lastName: agent.lastName,
  roles: ['ROLE_AGENT'],
  enabled: true,
  changePasswordOnFirstLogin: false,
  uri: `${origin}${API_PREFIX}/users/${agent.userId}`,
  path: `/users/${agent.userId}`,
});
