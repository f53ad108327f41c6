// Property: any sequence of agent and far-end steps, valid ones mixed with refused ones, gets the answers and notifications GWS-NOTES prescribes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, type Call, type CallState } from '../../src/gws/index.js';
import { handleControl } from '../../src/simulator/control-api.js';
import { DEFAULT_AGENTS, startSimulator } from '../../src/simulator/index.js';
import { handleRest } from '../../src/simulator/rest-routes.js';
import { type Endpoints, intent, resolve, type Step } from '../helpers/call-intents.js';
import { type CallView, type ExpectedEvent, emptyView } from '../helpers/call-oracle.js';
import { connectClient } from '../helpers/cometd-client.js';
import { makeSwitchboard } from '../helpers/simulator-fixtures.js';

/** What one request got: its answer, and the agent's call notifications it caused, in order. */
interface Exchange {
  status: number;
  body: unknown;
  notifications: Array<{ channel: string; data: unknown }>;
}

/** A simulator to run one sequence against. */
interface Driver extends Endpoints {
  post(path: string, body: string): Promise<Exchange>;
  /** GET `/api/v2/me/calls?fields=*`: the agent's live calls as the server holds them */
  calls(): Promise<Call[]>;
  close(): Promise<void>;
}

const AGENT = '5005';

/** The simulator's parts without sockets: REST routes and control API on one switchboard. */
const inProcess = async (): Promise<Driver> => {
  const origin = 'http://127.0.0.1:8080';
  const { board, agents } = makeSwitchboard({ origin });
  const agent = agents.byPhoneNumber(AGENT);
  if (agent === undefined) throw new Error(`no agent ${AGENT}`);
  const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const rest = (method: string, path: string, bodyText: string) => {
    const url = new URL(path, origin);
    return handleRest(board, origin, {
      method,
      pathname: url.pathname,
      query: url.searchParams,
      agent,
      bodyText,
    });
  };
  return {
    origin,
    deviceId: agent.deviceId,
    post: async (path, body) => {
      const reply = path.startsWith('/sim/')
        ? handleControl(board, 'POST', path, body)
        : rest('POST', path, body);
      const notifications = reply.notifications
        .filter((n) => n.principal === AGENT)
        .map((n) => wire({ channel: n.channel, data: n.data }));
      return { status: reply.status, body: wire(reply.body), notifications };
    },
    calls: async () =>
      (wire(rest('GET', '/api/v2/me/calls?fields=*', '').body) as unknown as { calls: Call[] }).calls,
    close: async () => {},
  };
};

const fetchJson = async (url: string, body?: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: res.status, body: JSON.parse(await res.text()) as unknown };
};

/**
 * A real simulator on port 0 and an agent's CometD client (WebSocket) on `/v2/me/*`. After each POST an
 * agent-state change is sent as a marker: notifications go out in request order, so once its
 * DeviceStateChangeMessage is in, everything the POST caused has arrived, and nothing means nothing.
 */
const overCometD = async (): Promise<Driver> => {
  const sim = await startSimulator({ port: 0, latencyMs: 0 });
  const client = await connectClient({ url: sim.notificationsUrl, transport: 'websocket' });
  await client.subscribe('/v2/me/*');
  const deviceId = DEFAULT_AGENTS.find((a) => a.phoneNumber === AGENT)?.deviceId;
  if (deviceId === undefined) throw new Error(`agent ${AGENT} has no configured device`);
  return {
    origin: sim.url,
    deviceId,
    post: async (path, body) => {
      const reply = await fetchJson(`${sim.url}${path}`, body);
      await fetchJson(`${sim.url}/api/v2/me/channels/voice`, '{"operationName":"Ready"}');
      const notifications: Exchange['notifications'] = [];
      for (;;) {
        const message = await client.next('/v2/me/*');
        if (message.channel === '/v2/me/devices') break;
        notifications.push({ channel: message.channel, data: message.data });
      }
      return { ...reply, notifications };
    },
    calls: async () =>
      ((await fetchJson(`${sim.url}/api/v2/me/calls?fields=*`)).body as { calls: Call[] }).calls,
    close: async () => {
      await client.disconnect();
      await sim.close();
    },
  };
};

/** State moves a call can make (GWS-NOTES §4, §9); a notification that keeps the state is no move. */
const MOVES: Readonly<Record<CallState, readonly CallState[]>> = {
  Ringing: ['Established', 'Released'],
  Dialing: ['Established', 'Held', 'Released'],
  Established: ['Held', 'Released'],
  Held: ['Established', 'Released'],
  Released: [],
};

/** Attached-data operations every live call offers (seed: all its lists). */
const DATA_CAPABILITIES = ['UpdateUserData', 'DeleteUserData', 'AttachUserData', 'DeleteUserDataPair'];

/** The seed's and op pages' lists for the call's situation (GWS-NOTES §7); some situations add to them. */
const checkCapabilities = (call: Call, where: string): void => {
  const offered = call.capabilities;
  const includes = (list: readonly string[]): void =>
    expect(offered, where).toEqual(expect.arrayContaining([...list]));
  if (call.state === 'Released') {
    expect(offered, where).toEqual([]);
  } else if (call.callType === 'Consult') {
    // the seed's consult list, with CompleteConference for a conference and Hold once connected (§7.3)
    includes([...DATA_CAPABILITIES, 'Hangup']);
    const known = [...CAPABILITIES.consultDialing, 'Hold', 'CompleteConference'];
    for (const op of offered) expect(known, where).toContain(op);
  } else if (call.state === 'Ringing') {
    includes(CAPABILITIES.ringing);
  } else if (call.state === 'Dialing') {
    expect(offered, where).toEqual([...CAPABILITIES.dialing]);
  } else if (call.state === 'Established') {
    includes(CAPABILITIES.established);
  } else {
    // Held via Hold or InitiateTransfer: the seed's list; the docs' variant is not sent (§7.3)
    expect(offered, where).toEqual([...CAPABILITIES.held]);
  }
};

/** HTTP status per GWS statusCode (GWS-NOTES §3). */
const HTTP_STATUS: Readonly<Record<number, number>> = { 0: 200, 1: 400, 2: 400, 6: 404, 10: 400 };

interface CallMessage {
  notificationType: string;
  call: Call;
  phoneNumber: string;
  messageType: string;
}

/** Checks the answer against the step's expectation; true when the request was accepted. */
const checkAnswer = (step: Step, exchange: Exchange, where: string): boolean => {
  const body = exchange.body as Record<string, unknown>;
  const expected = step.expected;
  if (step.api === 'control') {
    const isAccepted = exchange.status === 200;
    if (expected.isAccepted) expect(exchange.status, where).toBe(200);
    else expect(expected.codes, where).toContain(exchange.status);
    if (!isAccepted) expect(body, where).toEqual({ error: expect.any(String), message: expect.any(String) });
    return isAccepted;
  }
  const statusCode = body.statusCode;
  expect(typeof statusCode, where).toBe('number');
  expect(exchange.status, where).toBe(HTTP_STATUS[statusCode as number]);
  if (statusCode === 0) {
    expect(body, where).toEqual({ statusCode: 0 });
  } else {
    // Return Values: a failure carries statusCode and statusMessage, nothing else.
    expect(Object.keys(body).sort(), where).toEqual(['statusCode', 'statusMessage']);
    expect(String(body.statusMessage).length, where).toBeGreaterThan(5);
  }
  if (expected.isAccepted) expect(statusCode, where).toBe(0);
  else expect(expected.codes, where).toContain(statusCode);
  return statusCode === 0;
};

const matches = (event: ExpectedEvent, message: CallMessage, before: CallView, where: string): void => {
  const { call } = message;
  if (event.id === undefined) {
    // a new call: an id never seen, never reused (GWS-NOTES §8)
    expect(before.live.has(call.id) || before.released.has(call.id), `${where}: ${call.id} is not new`).toBe(
      false,
    );
  } else {
    expect(call.id, where).toBe(event.id);
  }
  expect([message.notificationType, call.state], where).toEqual([event.notificationType, event.state]);
  event.check?.(call);
};

/** Checks what the step published, in order, and applies it to the agent's view. */
const checkNotifications = (step: Step, isAccepted: boolean, exchange: Exchange, view: CallView): void => {
  const told = exchange.notifications.map((n) => {
    const { notificationType, call } = n.data as Partial<CallMessage>;
    return `${notificationType} ${call?.id} ${call?.state}`;
  });
  const where = `${step.label} ${step.body} → ${told.join(', ') || 'nothing'}`;
  const messages = exchange.notifications.map((n) => {
    expect(n.channel, where).toBe('/v2/me/calls');
    const data = n.data as CallMessage;
    expect([data.messageType, data.phoneNumber], where).toEqual(['CallStateChangeMessage', AGENT]);
    return data;
  });
  // A refused request changed nothing, so it tells nothing (Return Values).
  if (!isAccepted || !step.expected.isAccepted) {
    expect(messages, where).toEqual([]);
    return;
  }
  const events = step.expected.events;
  expect(messages.length, where).toBeGreaterThanOrEqual(events.length);
  const before: CallView = { live: new Map(view.live), released: new Set(view.released) };
  for (const [i, event] of events.entries()) matches(event, messages[i] as CallMessage, before, where);
  // After them, only other live calls whose capabilities the step changed, in the same state.
  const touched = new Set(messages.slice(0, events.length).map((m) => m.call.id));
  for (const { notificationType, call } of messages.slice(events.length)) {
    const known = before.live.get(call.id);
    expect(known, `${where}: extra notification of ${call.id}`).toBeDefined();
    expect(touched.has(call.id), `${where}: ${call.id} told twice`).toBe(false);
    touched.add(call.id);
    expect([notificationType, call.state], where).toEqual(['StatusChange', known?.state]);
    expect(call.capabilities, where).not.toEqual(known?.capabilities);
  }
  for (const { call } of messages) {
    expect(view.released.has(call.id), `${where}: released ${call.id} spoke again`).toBe(false);
    const known = view.live.get(call.id);
    if (known === undefined) expect(['Ringing', 'Dialing'], where).toContain(call.state);
    else if (known.state !== call.state) expect(MOVES[known.state], where).toContain(call.state);
    checkCapabilities(call, where);
    if (call.state === 'Released') {
      view.live.delete(call.id);
      view.released.add(call.id);
    } else {
      view.live.delete(call.id); // keeps the view's order: notified last, at the end
      view.live.set(call.id, call);
    }
  }
};

/** The server's calls are the calls the agent's notifications describe: no change went untold. */
const checkRecovered = async (driver: Driver, view: CallView, label: string): Promise<void> => {
  const summary = (c: Call) => [
    c.id,
    c.state,
    c.capabilities,
    c.participants,
    c.userData,
    c.mute,
    c.parentCallUri,
  ];
  const byId = (a: Call, b: Call) => a.id.localeCompare(b.id);
  const served = await driver.calls();
  expect(served.sort(byId).map(summary), `after ${label}`).toEqual(
    [...view.live.values()].sort(byId).map(summary),
  );
};

interface Tally {
  runs: number;
  runsWithAcceptedOperation: number;
  accepted: Record<string, number>;
  refused: Record<string, number>;
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

const runSequences = async (
  start: () => Promise<Driver>,
  numRuns: number,
  maxSteps: number,
): Promise<Tally> => {
  const tally: Tally = { runs: 0, runsWithAcceptedOperation: 0, accepted: {}, refused: {} };
  await fc.assert(
    fc.asyncProperty(
      fc.array(intent, { minLength: 4, maxLength: maxSteps, size: 'max' }),
      async (intents) => {
        const driver = await start();
        const view = emptyView();
        let hasAcceptedOperation = false;
        try {
          for (const wanted of intents) {
            const step = resolve(view, wanted, driver);
            const exchange = await driver.post(step.path, step.body);
            const isAccepted = checkAnswer(step, exchange, `${step.label} ${step.body}`);
            checkNotifications(step, isAccepted, exchange, view);
            await checkRecovered(driver, view, step.label);
            const counts = isAccepted ? tally.accepted : tally.refused;
            counts[step.label] = (counts[step.label] ?? 0) + 1;
            hasAcceptedOperation ||= isAccepted && step.api === 'gws';
          }
        } finally {
          await driver.close();
        }
        tally.runs += 1;
        if (hasAcceptedOperation) tally.runsWithAcceptedOperation += 1;
      },
    ),
    { numRuns },
  );
  return tally;
};

/**
 * Both branches ran often, and the operations named were accepted at least `min` times between them,
 * so the property cannot go weak unseen (an earlier fuzz reached statusCode 0 in a handful of runs).
 * More than `minRunShare` of the runs had a GWS operation accepted.
 */
const expectMeaningful = (
  tally: Tally,
  minimums: ReadonlyArray<[operations: string[], min: number]>,
  minRunShare: number,
): void => {
  const report = JSON.stringify(tally);
  const [accepted, refused] = [total(tally.accepted), total(tally.refused)];
  expect(tally.runsWithAcceptedOperation / tally.runs, report).toBeGreaterThan(minRunShare);
  expect(accepted / (accepted + refused), report).toBeGreaterThan(0.5);
  expect(refused / (accepted + refused), report).toBeGreaterThan(0.1);
  for (const [operations, min] of minimums) {
    const times = operations.reduce((sum, op) => sum + (tally.accepted[op] ?? 0), 0);
    expect(times, `${operations.join(' or ')} accepted; ${report}`).toBeGreaterThanOrEqual(min);
  }
};

describe('simulator operation sequences', () => {
  it('in its routes: each step gets the answer and notifications GWS-NOTES prescribes, and GET /me/calls agrees', async () => {
    const tally = await runSequences(inProcess, 200, 30);
    const flows = [
      'Answer',
      'Hold',
      'Retrieve',
      'InitiateTransfer',
      'CompleteTransfer',
      'InitiateConference',
    ];
    expectMeaningful(
      tally,
      [...flows, 'CompleteConference', 'SwapCalls'].map((op) => [[op], 5]),
      0.8,
    );
  });

  it('over HTTP and CometD: an agent client gets exactly those notifications, in order', async () => {
    const tally = await runSequences(overCometD, 20, 12);
    // Twenty runs of at most 12 steps: seeds gave 18 to 20 runs an accepted GWS operation in 31 local tries,
    // and 16 in one CI run whose other counts were as usual (the rest of its runs' steps were simulator
    // controls or refusals), failing "more than 0.8" with nothing wrong. Half still shows a fuzz that went
    // weak, and the operations below must still be accepted.
    expectMeaningful(
      tally,
      [
        [['Answer'], 1],
        [['InitiateTransfer', 'InitiateConference'], 1],
      ],
      0.5,
    );
  });
});
