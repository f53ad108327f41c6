// Writes a big, realistic recorded session straight into a store: many agents playing the demo's scenarios over long-polling.
import { HTTP_STATUS_BY_STATUS_CODE } from '../../src/gws/index.js';
import type { HeaderList, NewBayeuxRow, NewExchange, Store } from '../../src/store/index.js';
import {
  CallIds,
  ORIGIN,
  playScenario,
  type Step,
  type SyntheticAgent,
  seededRandom,
} from './synthetic-scenarios.js';

export interface SyntheticSessionOptions {
  /** Bayeux messages to write, both directions, exactly */
  messages: number;
  /** agents working at once, each its own CometD client */
  agents: number;
  /** messages per writeRows call (one transaction each) */
  chunkMessages: number;
  seed: number;
  name: string | null;
}

export const SYNTHETIC_SESSION_DEFAULTS: SyntheticSessionOptions = {
  messages: 1_000_000,
  agents: 100,
  chunkMessages: 50_000,
  seed: 1,
  name: null,
};

export interface SyntheticSessionSummary {
  sessionId: number;
  messages: number;
  /** REST exchanges plus one per long-poll request */
  exchanges: number;
  restExchanges: number;
  notifications: number;
  /** scenarios played, by name */
  scenarios: Record<string, number>;
  endMs: number;
}

const NOTIFICATIONS_PATH = '/api/v2/notifications';
/** CometD's default long-poll hold (GWS-NOTES §6) */
const POLL_TIMEOUT_MS = 30_000;
/** room kept for the last round, whose size is not known in advance */
const MESSAGES_PER_SCENARIO_MAX = 40;
const ROUND_MS = 60_000;

const REQUEST_HEADERS: HeaderList = [
  ['host', '127.0.0.1:8090'],
  ['content-type', 'application/json'],
  ['x-csrf-token', '[REDACTED]'],
  ['cookie', 'JSESSIONID=[REDACTED]'],
];
const RESPONSE_HEADERS: HeaderList = [['content-type', 'application/json;charset=UTF-8']];

type Message = Record<string, unknown>;

interface Poll {
  exchangeId: number;
  startMs: number;
  request: Message;
}

/** Allocates ids as the recorder does (at start), and hands rows to the store a chunk at a time. */
class SessionRows {
  private messages: NewBayeuxRow[] = [];
  private exchanges: NewExchange[] = [];
  messageCount = 0;
  exchangeCount = 0;
  restCount = 0;
  notificationCount = 0;
  lastMs = 0;
  private readonly polls = new Map<SyntheticAgent, Poll>();
  private connectId = 0;

  constructor(
    private readonly store: Store,
    private readonly sessionId: number,
    private readonly chunkMessages: number,
  ) {}

  private message(agent: SyntheticAgent, exchangeId: number, toClient: boolean, atMs: number, m: Message) {
    this.messages.push({
      id: ++this.messageCount,
      exchangeId,
      direction: toClient ? 'to-client' : 'to-server',
      transport: 'long-polling',
      channel: typeof m.channel === 'string' ? m.channel : null,
      clientId: agent.clientId,
      messageId: typeof m.id === 'string' ? m.id : null,
      successful: typeof m.successful === 'boolean' ? m.successful : null,
      atMs,
      message: m,
    });
    this.lastMs = Math.max(this.lastMs, atMs);
  }

  private exchange(e: Omit<NewExchange, 'requestHeaders' | 'responseHeaders' | 'flags' | 'error'>): void {
    this.exchanges.push({
      ...e,
      requestHeaders: REQUEST_HEADERS,
      responseHeaders: e.status === null ? null : RESPONSE_HEADERS,
      error: null,
      flags: ['redacted'],
    });
  }

  /** One long-poll POST: request messages at `atMs`, response messages when it is answered. */
  private bayeux(
    agent: SyntheticAgent,
    atMs: number,
    request: Message[],
    response: Message[],
    endMs: number,
  ) {
    const id = ++this.exchangeCount;
    for (const m of request) this.message(agent, id, false, atMs, m);
    for (const m of response) this.message(agent, id, true, endMs, m);
    const requestBody = Buffer.from(JSON.stringify(request));
    const responseBody = Buffer.from(JSON.stringify(response));
    this.exchange({
      id,
      kind: 'bayeux',
      method: 'POST',
      path: NOTIFICATIONS_PATH,
      query: '',
      requestBody,
      requestBodyBytes: requestBody.length,
      status: 200,
      responseBody,
      responseBodyBytes: responseBody.length,
      startMs: atMs,
      firstByteMs: endMs,
      endMs: endMs + 0.2,
    });
  }

  /** The client's way in (GWS-NOTES §6): GET /api/v2/me, handshake, subscribe to /v2/me/*, then the connect loop. */
  login(agent: SyntheticAgent, atMs: number): void {
    this.rest({ atMs, kind: 'rest', path: '/api/v2/me', body: {}, statusCode: 0 }, 'GET');
    const handshake = {
      channel: '/meta/handshake',
      version: '1.0',
      supportedConnectionTypes: ['long-polling'],
    };
    const hello = { ...handshake, id: 'h', successful: true, clientId: agent.clientId };
    this.bayeux(agent, atMs + 5, [{ ...handshake, id: 'h' }], [hello], atMs + 8);
    const subscribe = {
      channel: '/meta/subscribe',
      subscription: '/v2/me/*',
      clientId: agent.clientId,
      id: 's',
    };
    this.bayeux(agent, atMs + 10, [subscribe], [{ ...subscribe, successful: true }], atMs + 12);
    this.startPoll(agent, atMs + 14);
  }

  private startPoll(agent: SyntheticAgent, atMs: number): void {
    const request = {
      channel: '/meta/connect',
      clientId: agent.clientId,
      id: String(++this.connectId),
      connectionType: 'long-polling',
    };
    const exchangeId = ++this.exchangeCount;
    this.message(agent, exchangeId, false, atMs, request);
    this.polls.set(agent, { exchangeId, startMs: atMs, request });
  }

  /** Answers the agent's held /meta/connect with these notifications (none: it timed out), then polls again. */
  deliver(agent: SyntheticAgent, atMs: number, notifications: Message[]): void {
    const poll = this.polls.get(agent);
    if (!poll) throw new Error(`agent ${agent.phoneNumber} has not logged in`);
    for (; atMs - poll.startMs > POLL_TIMEOUT_MS; poll.startMs += POLL_TIMEOUT_MS)
      this.answerPoll(agent, poll.startMs + POLL_TIMEOUT_MS, []);
    this.answerPoll(agent, atMs, notifications);
  }

  /** The agent's held poll ends empty after the server's hold time. */
  timeOut(agent: SyntheticAgent): void {
    const poll = this.polls.get(agent) as Poll;
    this.answerPoll(agent, poll.startMs + POLL_TIMEOUT_MS, []);
  }

  private answerPoll(agent: SyntheticAgent, atMs: number, notifications: Message[]): void {
    const poll = this.polls.get(agent) as Poll;
    const reply = {
      id: poll.request.id,
      successful: true,
      channel: '/meta/connect',
      clientId: agent.clientId,
    };
    const response = [...notifications, reply];
    for (const m of response) this.message(agent, poll.exchangeId, true, atMs, m);
    this.notificationCount += notifications.length;
    this.pollExchange(poll, { responseBody: Buffer.from(JSON.stringify(response)), atMs });
    this.startPoll(agent, atMs + 1.5);
    this.flushIfFull();
  }

  rest(step: Extract<Step, { kind: 'rest' }>, method = 'POST'): void {
    const requestBody = method === 'GET' ? null : Buffer.from(JSON.stringify(step.body));
    const answer =
      step.statusCode === 0
        ? { statusCode: 0 }
        : { statusCode: step.statusCode, statusMessage: 'Operation is not valid for the current state' };
    const responseBody = Buffer.from(JSON.stringify(answer));
    this.restCount++;
    this.exchange({
      id: ++this.exchangeCount,
      kind: 'http',
      method,
      path: step.path,
      query: '',
      requestBody,
      requestBodyBytes: requestBody?.length ?? 0,
      status: HTTP_STATUS_BY_STATUS_CODE[step.statusCode] ?? 400,
      responseBody,
      responseBodyBytes: responseBody.length,
      startMs: step.atMs,
      firstByteMs: step.atMs + 2.5,
      endMs: step.atMs + 2.8,
    });
  }

  /** The polls still held when the recording stopped: a request with no answer. */
  closePolls(): void {
    for (const [, poll] of this.polls) this.pollExchange(poll, null);
    this.polls.clear();
  }

  /** The `/connect` exchange of a poll: answered at `atMs` with `responseBody`, or (null) never answered. */
  private pollExchange(poll: Poll, answer: { responseBody: Buffer; atMs: number } | null): void {
    const requestBody = Buffer.from(JSON.stringify([poll.request]));
    this.exchange({
      id: poll.exchangeId,
      kind: 'bayeux',
      method: 'POST',
      path: `${NOTIFICATIONS_PATH}/connect`,
      query: '',
      requestBody,
      requestBodyBytes: requestBody.length,
      status: answer === null ? null : 200,
      responseBody: answer?.responseBody ?? null,
      responseBodyBytes: answer?.responseBody.length ?? 0,
      startMs: poll.startMs,
      firstByteMs: answer?.atMs ?? null,
      endMs: answer === null ? null : answer.atMs + 0.2,
    });
  }

  flushIfFull(): void {
    if (this.messages.length >= this.chunkMessages) this.flush();
  }

  flush(): void {
    this.store.writeRows(this.sessionId, { messages: this.messages, exchanges: this.exchanges });
    this.messages = [];
    this.exchanges = [];
  }
}

const agentsOf = (count: number): SyntheticAgent[] =>
  Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return {
      phoneNumber: `7${n}`,
      deviceId: `efe1ab32-53f9-43ce-b65e-5768c61f${n}`,
      clientId: `synthetic${n}client0000000000`.slice(0, 30),
    };
  });

/**
 * Creates a session and fills it through `store.writeRows`, a chunk (one transaction) at a time: `agents` agents
 * log in, then play the demo's scenarios round after round, each notification delivered in its agent's held
 * /meta/connect. When too few messages are left for another round, the agents idle (polls time out) until exactly
 * `messages` Bayeux messages are written. Same options, same session.
 */
export const writeSyntheticSession = (
  store: Store,
  options: Partial<SyntheticSessionOptions> = {},
): SyntheticSessionSummary => {
  const o = { ...SYNTHETIC_SESSION_DEFAULTS, ...options };
  const agents = agentsOf(o.agents);
  // login costs 5 messages per agent; an odd remainder needs one 3-message delivery
  if (o.messages < agents.length * 5 + 3)
    throw new Error(`${o.messages} messages are too few for ${o.agents} agents`);
  const session = store.createSession({
    name: o.name ?? `synthetic: ${o.agents} agents, ${o.messages} messages`,
    upstream: ORIGIN,
    source: 'record',
    listenOrigin: 'http://127.0.0.1:8090',
    originWallMs: Date.UTC(2024, 0, 2, 8, 0, 0),
    notificationsPath: NOTIFICATIONS_PATH,
  });
  const rows = new SessionRows(store, session.id, o.chunkMessages);
  const random = seededRandom(o.seed);
  const ids = new CallIds();
  const scenarios: Record<string, number> = {};
  for (const [i, agent] of agents.entries()) rows.login(agent, i * 20);

  let played = 0;
  const reserve = agents.length * MESSAGES_PER_SCENARIO_MAX;
  for (let round = 0; o.messages - rows.messageCount > reserve; round++) {
    const steps: Array<{ agent: SyntheticAgent; step: Step }> = [];
    for (const [i, agent] of agents.entries()) {
      const startMs = (round + 1) * ROUND_MS + (i * ROUND_MS) / (2 * agents.length) + random() * 1000;
      const { name, steps: own } = playScenario(played++, agent, startMs, ids, random);
      scenarios[name] = (scenarios[name] ?? 0) + 1;
      for (const step of own) steps.push({ agent, step });
    }
    steps.sort((a, b) => a.step.atMs - b.step.atMs);
    for (const { agent, step } of steps) {
      if (step.kind === 'rest') rows.rest(step);
      else rows.deliver(agent, step.atMs, [{ data: step.data, channel: step.channel }]);
    }
  }
  // The shift winds down: held polls time out (2 messages each) until the count is exact.
  if ((o.messages - rows.messageCount) % 2 === 1) {
    const agent = agents[0] as SyntheticAgent;
    const data = {
      messageType: 'DeviceStateChangeMessage',
      devices: [{ id: agent.deviceId, deviceState: 'Inactive' }],
    };
    rows.deliver(agent, rows.lastMs + 1, [{ data, channel: '/v2/me/devices' }]);
  }
  for (let k = 0; rows.messageCount < o.messages; k++)
    rows.timeOut(agents[k % agents.length] as SyntheticAgent);
  rows.closePolls();
  rows.flush();
  if (rows.messageCount !== o.messages)
    throw new Error(`wrote ${rows.messageCount} messages, not ${o.messages}`);
  store.endSession(session.id, session.originWallMs + rows.lastMs + 1000);
  return {
    sessionId: session.id,
    messages: rows.messageCount,
    exchanges: rows.exchangeCount,
    restExchanges: rows.restCount,
    notifications: rows.notificationCount,
    scenarios,
    endMs: rows.lastMs,
  };
};
