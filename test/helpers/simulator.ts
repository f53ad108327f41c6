// Starts a simulator for one test (port 0, closed when the test ends) and talks to its REST and /sim APIs with fetch.
import { onTestFinished } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';

/** Port 0 and no latency unless asked; closed when the calling test finishes. */
export const startTestSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const simulator = await startSimulator({ port: 0, latencyMs: 0, ...options });
  onTestFinished(() => simulator.close());
  return simulator;
};

export const basicAuth = (user: string, password = 'secret'): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface JsonReply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends `body` (an object is JSON-encoded, a string goes as is) and reads a JSON answer. */
export const request = async <T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonReply<T>> => {
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body);
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. the CSRF 403 text): keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
};

/** `POST /sim/calls`: rings a call at `to`, returns its id. */
export const ringCall = async (
  simulator: Simulator,
  to: string,
  from: string,
  extra: object = {},
): Promise<string> => {
  const reply = await request<{ id: string }>(`${simulator.url}/sim/calls`, { body: { to, from, ...extra } });
  if (reply.status !== 200) throw new Error(`ring failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
};

/** `POST /api/v2/me/calls/{id}` with `{operationName, ...params}`. */
export const callOperation = (
  simulator: Simulator,
  callId: string,
  operationName: string,
  params: object = {},
  headers: Record<string, string> = {},
): Promise<JsonReply> =>
  request(`${simulator.url}/api/v2/me/calls/${callId}`, { body: { operationName, ...params }, headers });
