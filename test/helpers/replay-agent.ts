// The seed's two-step transfer played by the official CometD client plus fetch against any origin (simulator through
// the recorder, or replay), timing every request and notification, so a recording and its replay can be compared.
import { performance } from 'node:perf_hooks';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { loadReplaySource, type ReplaySource } from '../../src/replay/index.js';
import type { Store } from '../../src/store/index.js';
import { type ClientTransport, connectClient, type TestClient } from './cometd-client.js';
import { startTestRecorder } from './recorder.js';
import { basicAuth, startTestSimulator } from './simulator.js';

export interface TimedRequest {
  what: string;
  /** performance.now() just before fetch */
  sentAtMs: number;
  status: number;
  body: unknown;
}

export interface TimedNotification {
  atMs: number;
  message: BayeuxMessage;
}

export interface PlayedSession {
  requests: TimedRequest[];
  notifications: TimedNotification[];
  client: TestClient;
}

interface Call {
  id: string;
  state: string;
  uri: string;
  callType: string;
}

const callOf = (message: BayeuxMessage): Call => (message.data as { call: Call }).call;

/** Delay of each notification after the last request sent before it, in arrival order. */
export const delaysAfterRequests = (played: Pick<PlayedSession, 'requests' | 'notifications'>): number[] =>
  played.notifications.map((n) => {
    const cause = played.requests.findLast((r) => r.sentAtMs <= n.atMs);
    return cause === undefined ? Number.NaN : n.atMs - cause.sentAtMs;
  });

/**
 * GET /api/v2/me, handshake, subscribe to /v2/me/calls, ring a call through `/sim/calls` on the same origin,
 * Answer, InitiateTransfer to 5001, CompleteTransfer on the consult id read from its notification.
 */
export const playTransfer = async (
  origin: string,
  transport: ClientTransport,
  user = 'agent5005',
): Promise<PlayedSession> => {
  const auth = { Authorization: basicAuth(user) };
  const requests: TimedRequest[] = [];
  const notifications: TimedNotification[] = [];
  const send = async (what: string, url: string, body?: unknown): Promise<unknown> => {
    const sentAtMs = performance.now();
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed = (await response.json()) as unknown;
    requests.push({ what, sentAtMs, status: response.status, body: parsed });
    if (response.status !== 200)
      throw new Error(`${what} failed: ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };

  await send('GET me', `${origin}/api/v2/me`);
  const client = await connectClient({ url: `${origin}/api/v2/notifications`, transport, headers: auth });
  client.cometd.registerExtension('arrival-times', {
    incoming: (message) => {
      if (message.channel === '/v2/me/calls')
        notifications.push({ atMs: performance.now(), message: message as BayeuxMessage });
      return message;
    },
  });
  const next = (id: string | null, state: string) =>
    client.next('/v2/me/calls', (m) => {
      const call = callOf(m);
      return (id === null || call.id === id) && call.state === state;
    });
  try {
    await client.subscribe('/v2/me/calls');
    const { id } = (await send('ring', `${origin}/sim/calls`, { to: '5005', from: '5000' })) as {
      id: string;
    };
    const ringing = callOf(await next(id, 'Ringing'));
    await send('Answer', ringing.uri, { operationName: 'Answer' });
    await next(id, 'Established');
    await send('InitiateTransfer', ringing.uri, {
      operationName: 'InitiateTransfer',
      destination: { phoneNumber: '5001' },
    });
    await next(id, 'Held');
    const consult = callOf(await next(null, 'Dialing'));
    await send('CompleteTransfer', consult.uri, { operationName: 'CompleteTransfer' });
    await next(id, 'Released');
    await next(consult.id, 'Released');
  } finally {
    client.cometd.unregisterExtension('arrival-times');
  }
  return { requests, notifications, client };
};

/** The simulator's delay between a response and its notifications in recordings made here. */
export const RECORDING_LATENCY_MS = 40;

export interface RecordedTransfer {
  /** what the client saw while recording */
  played: PlayedSession;
  source: ReplaySource;
  recorderUrl: string;
  /** the store it was recorded into (closed when the test ends), and the session */
  store: Store;
  sessionId: number;
}

/**
 * Records the transfer through the recorder in front of the simulator, then stops both; the rows stay in memory.
 * `externalOrigin`: the simulator names itself by it (GWS's externalApiUrlV2), and the recorder rewrites it.
 */
export const recordTransfer = async (
  transport: ClientTransport,
  options: { externalOrigin?: string } = {},
): Promise<RecordedTransfer> => {
  const { externalOrigin } = options;
  const simulator = await startTestSimulator({ latencyMs: RECORDING_LATENCY_MS, externalOrigin });
  const { recorder, store } = await startTestRecorder(simulator.url, {
    name: `transfer over ${transport}`,
    rewriteOrigins: externalOrigin === undefined ? [] : [externalOrigin],
  });
  const played = await playTransfer(recorder.url, transport);
  await played.client.disconnect();
  await recorder.close();
  await simulator.close();
  return {
    played,
    source: loadReplaySource(store, recorder.sessionId),
    recorderUrl: recorder.url,
    store,
    sessionId: recorder.sessionId,
  };
};
