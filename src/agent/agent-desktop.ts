// A scripted agent desktop: the official CometD client for notifications plus fetch for REST, as a real desktop does.
import { API_PREFIX, type CallStateChangeMessage, GWS_CHANNELS, NOTIFICATIONS_PATH } from '../gws/index.js';
import { connectClient } from './cometd-client.js';
import type { AgentDesktop, AgentTransport, FarEnd, RestReply } from './types.js';

export interface AgentDesktopOptions {
  /** the server's origin, e.g. `http://127.0.0.1:8090` (a simulator, a recorder or a replay) */
  baseUrl: string;
  transport: AgentTransport;
  /** Basic user; none means the server's default agent */
  user?: string;
  password?: string;
  notificationsPath?: string;
  /** default ms `nextCall` waits */
  timeoutMs?: number;
}

const DEFAULTS = { notificationsPath: NOTIFICATIONS_PATH, password: 'secret', timeoutMs: 5000 } as const;

const readReply = async (res: Response): Promise<RestReply> => {
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
};

const isCallMessage = (data: unknown): data is CallStateChangeMessage =>
  (data as { messageType?: unknown } | null)?.messageType === 'CallStateChangeMessage' &&
  typeof (data as { call?: unknown }).call === 'object';

/**
 * Logs an agent in the way GWS clients do (GWS-NOTES §6): reads its devices over REST, handshakes,
 * subscribes to `/v2/me/calls`, and is then ready for a scenario.
 */
export const connectAgentDesktop = async (options: AgentDesktopOptions): Promise<AgentDesktop> => {
  const settings = { ...DEFAULTS, ...options };
  const headers: Record<string, string> =
    settings.user === undefined
      ? {}
      : { Authorization: `Basic ${Buffer.from(`${settings.user}:${settings.password}`).toString('base64')}` };

  const request = async (method: string, path: string, body?: unknown): Promise<RestReply> => {
    const res = await fetch(`${settings.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return readReply(res);
  };

  const devices = await request('GET', `${API_PREFIX}/me/devices?fields=*`);
  const phoneNumber = (devices.body as { devices?: Array<{ phoneNumber?: unknown }> } | null)?.devices?.[0]
    ?.phoneNumber;
  if (devices.status !== 200 || typeof phoneNumber !== 'string') {
    throw new Error(`cannot read the agent's device from ${settings.baseUrl}: HTTP ${devices.status}`);
  }
  const client = await connectClient({
    url: `${settings.baseUrl}${settings.notificationsPath}`,
    transport: settings.transport,
    headers,
  });
  await client.subscribe(GWS_CHANNELS.calls);

  return {
    phoneNumber,
    transport: settings.transport,
    headers,
    request,
    operation: (callId, operationName, params = {}) =>
      request('POST', `${API_PREFIX}/me/calls/${callId}`, { operationName, ...params }),
    nextCall: async (predicate, timeoutMs = settings.timeoutMs) => {
      const message = await client.next(
        GWS_CHANNELS.calls,
        (m) => isCallMessage(m.data) && predicate(m.data.call, m.data),
        timeoutMs,
      );
      return (message.data as CallStateChangeMessage).call;
    },
    close: () => client.disconnect(),
  };
};

/**
 * The simulator's `/sim` control API as the far end of every call. `baseUrl` may be the simulator or a
 * recorder in front of it: through a recorder the far end's actions are recorded too, so a replay can
 * answer them and anchor the Ringing that follows; `headers` (the agent's credentials) tell a replay
 * whose timeline the action belongs to.
 */
export const simulatorFarEnd = (baseUrl: string, headers: Readonly<Record<string, string>> = {}): FarEnd => {
  const post = async (path: string, body?: unknown): Promise<RestReply> => {
    const reply = await readReply(
      await fetch(`${baseUrl}/sim${path}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }),
    );
    if (reply.status !== 200)
      throw new Error(`simulator ${path} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply;
  };
  return {
    ring: async (to, from) => {
      const reply = await post('/calls', { to, from });
      return String((reply.body as { id?: unknown }).id);
    },
    answer: async (callId) => {
      await post(`/calls/${callId}/answer`);
    },
    hangup: async (callId) => {
      await post(`/calls/${callId}/hangup`);
    },
  };
};
