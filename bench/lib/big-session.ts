// Writes a big recorded session for the dashboard benchmark: N calls (a tenth of them consult transfers) and M messages.
import type { NewBayeuxRow, NewExchange, Store } from '../../src/store/index.js';

export interface BigSessionOptions {
  calls: number;
  messages: number;
  /** ms between two calls' first notifications */
  callSpacingMs: number;
}

export const BIG_SESSION_DEFAULTS: BigSessionOptions = {
  calls: 10_000,
  messages: 200_000,
  callSpacingMs: 600,
};

const ORIGIN = 'http://127.0.0.1:8080';
const AGENT = '5005';
const BATCH_ROWS = 20_000;

const callObject = (id: string, state: string, callType: string, parentId: string | null) => ({
  id,
  state,
  callUuid: id,
  connId: `00${id.slice(-14)}`,
  participants: [{ e164Number: '', formattedPhoneNumber: '5000', phoneNumber: '5000', digits: '5000' }],
  dnis: AGENT,
  callType,
  capabilities: state === 'Released' ? [] : ['Hangup', 'Hold', 'InitiateTransfer', 'CompleteTransfer'],
  ...(parentId ? { parentCallUri: `${ORIGIN}/api/v2/me/calls/${parentId}` } : {}),
  duration: '0',
  uri: `${ORIGIN}/api/v2/me/calls/${id}`,
  path: `/calls/${id}`,
  userData: { queue: 'sales', caseNumber: id.slice(-6) },
});

/**
 * Creates one session and fills it through `writeRows`: every call rings, is answered and released; every tenth
 * call is transferred in two steps to a consult call (which counts as one of the N). /meta/connect pairs pad the
 * messages up to M, spread over the session. Returns the session id.
 */
export const writeBigSession = (store: Store, options: Partial<BigSessionOptions> = {}): number => {
  const o = { ...BIG_SESSION_DEFAULTS, ...options };
  const session = store.createSession({
    name: `big: ${o.calls} calls, ${o.messages} messages`,
    upstream: ORIGIN,
    source: 'record',
    listenOrigin: 'http://127.0.0.1:8090',
    originWallMs: Date.UTC(2024, 0, 2, 9, 0, 0),
    notificationsPath: '/api/v2/notifications',
  });
  let messages: NewBayeuxRow[] = [];
  let exchanges: NewExchange[] = [];
  let messageId = 0;
  let exchangeId = 0;
  let written = 0;
  const flush = (): void => {
    store.writeRows(session.id, { messages, exchanges });
    written += messages.length;
    messages = [];
    exchanges = [];
  };
  const notify = (atMs: number, call: ReturnType<typeof callObject>): void => {
    const data = {
      notificationType: 'StatusChange',
      call,
      phoneNumber: AGENT,
      messageType: 'CallStateChangeMessage',
    };
    messages.push({
      id: ++messageId,
      exchangeId: null,
      direction: 'to-client',
      transport: 'long-polling',
      channel: '/v2/me/calls',
      clientId: 'bench-client',
      messageId: null,
      successful: null,
      atMs,
      message: { channel: '/v2/me/calls', data },
    });
    if (messages.length >= BATCH_ROWS) flush();
  };
  const post = (atMs: number, callId: string, operationName: string, params: object = {}): void => {
    const body = Buffer.from(JSON.stringify({ operationName, ...params }));
    const response = Buffer.from('{"statusCode":0}');
    exchanges.push({
      id: ++exchangeId,
      kind: 'http',
      method: 'POST',
      path: `/api/v2/me/calls/${callId}`,
      query: '',
      requestHeaders: [['content-type', 'application/json']],
      requestBody: body,
      requestBodyBytes: body.length,
      status: 200,
      responseHeaders: [['content-type', 'application/json']],
      responseBody: response,
      responseBodyBytes: response.length,
      startMs: atMs,
      firstByteMs: atMs + 3,
      endMs: atMs + 3.5,
      error: null,
      flags: [],
    });
  };

  let made = 0;
  for (let i = 0; made < o.calls; i++) {
    const t = i * o.callSpacingMs;
    const id = `BENCH${String(i).padStart(27, '0')}`;
    notify(t, callObject(id, 'Ringing', 'Inbound', null));
    post(t + 100, id, 'Answer');
    notify(t + 150, callObject(id, 'Established', 'Inbound', null));
    made++;
    if (i % 10 === 9 && made < o.calls) {
      const consult = `CONS${String(i).padStart(28, '0')}`;
      post(t + 200, id, 'InitiateTransfer', { destination: { phoneNumber: '5001' } });
      notify(t + 250, callObject(id, 'Held', 'Inbound', null));
      notify(t + 280, callObject(consult, 'Dialing', 'Consult', id));
      post(t + 350, consult, 'CompleteTransfer');
      notify(t + 400, callObject(id, 'Released', 'Inbound', null));
      notify(t + 420, callObject(consult, 'Released', 'Consult', id));
      made++;
    } else {
      post(t + 300, id, 'Hangup');
      notify(t + 350, callObject(id, 'Released', 'Inbound', null));
    }
  }
  const endMs = Math.ceil(o.calls / 1.1) * o.callSpacingMs;
  const pairs = Math.floor(Math.max(0, o.messages - messageId) / 2);
  for (let k = 0; k < pairs; k++) {
    const atMs = (k / Math.max(1, pairs)) * endMs + 0.5;
    for (const direction of ['to-server', 'to-client'] as const) {
      messages.push({
        id: ++messageId,
        exchangeId: null,
        direction,
        transport: 'long-polling',
        channel: '/meta/connect',
        clientId: 'bench-client',
        messageId: String(k),
        successful: direction === 'to-client' ? true : null,
        atMs: direction === 'to-client' ? atMs + 0.25 : atMs,
        message: {
          channel: '/meta/connect',
          clientId: 'bench-client',
          id: String(k),
          connectionType: 'long-polling',
        },
      });
    }
    if (messages.length >= BATCH_ROWS) flush();
  }
  flush();
  store.endSession(session.id, Date.UTC(2024, 0, 2, 9, 0, 0) + endMs);
  if (written !== messageId) throw new Error(`wrote ${written} of ${messageId} messages`);
  return session.id;
};
