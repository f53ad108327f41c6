// Security: a real GWS-style session (official client on both transports, REST with Basic, cookie and CSRF) leaves no secret in the database's bytes.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectClient, type TestClient } from '../helpers/cometd-client.js';
import { recordingLogger } from '../helpers/logger.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { request, ringCall, startTestSimulator } from '../helpers/simulator.js';

const USER = 'agent5005';
const PASSWORD = 'pa55-w0rd-Secret-91c3';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
/** Secrets the test makes up; the server's own (JSESSIONID, CSRF token) are read from its answers. */
const MADE_UP = {
  basic: BASIC,
  password: PASSWORD,
  /** a header the operator asked to redact (--redact-header X-Agent-Secret) */
  agentSecret: 'agent-secret-hdr-7f0e1d2c3b4a',
  /** credentials in a Bayeux handshake `ext` */
  extAuthorization: 'ext-auth-token-5a6b7c8d9e0f',
  /** a JSON key the operator asked to redact (--redact-json agentPin), sent in userData and echoed in notifications */
  pin: 'pin-secret-246813579',
};
/** Not secret: sent beside the secrets, so the search below provably looks at the stored content. */
const MARKER = 'visible-marker-c0ffee-4242';

/** Every file SQLite keeps the recording in, as raw bytes. */
const fileBytes = (dbPath: string): Map<string, Buffer> => {
  const files = new Map<string, Buffer>();
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      files.set(suffix || 'main', readFileSync(dbPath + suffix));
    } catch {
      // that file does not exist at this moment
    }
  }
  return files;
};

/** The secrets found in any of the files, as "name in file"; [] when none. */
const leaks = (files: Map<string, Buffer>, secrets: Record<string, string>): string[] => {
  const found: string[] = [];
  for (const [file, bytes] of files) {
    for (const [name, value] of Object.entries(secrets)) {
      for (const form of [value, Buffer.from(value).toString('base64')]) {
        if (bytes.includes(Buffer.from(form))) found.push(`${name} in ${file}`);
      }
    }
  }
  return found;
};

const hasMarker = (files: Map<string, Buffer>): boolean =>
  [...files.values()].some((bytes) => bytes.includes(Buffer.from(MARKER)));

const userDataOf = (data: unknown): Record<string, unknown> | undefined =>
  (data as { call?: { userData?: Record<string, unknown> } }).call?.userData;

describe('secrets on disk', () => {
  it('keeps every credential of a recorded session out of the .sqlite and -wal bytes and the logs, while clients get them all', async () => {
    const simulator = await startTestSimulator({ isAuthRequired: true, isCsrfEnforced: true });
    const logger = recordingLogger();
    const { recorder, store, dbPath } = await startTestRecorder(simulator.url, {
      redact: { headers: ['X-Agent-Secret'], jsonKeys: ['agentPin'] },
      logger,
    });
    const auth = { Authorization: `Basic ${BASIC}` };

    // REST login: the server hands out its session cookie and CSRF token (GWS-NOTES §2).
    const me = await request(`${recorder.url}/api/v2/me`, {
      headers: { ...auth, 'X-Agent-Secret': MADE_UP.agentSecret },
    });
    expect(me.status).toBe(200);
    const jsession = /JSESSIONID=([^;]+)/.exec(me.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const csrfHeader = me.headers.get('x-csrf-header') ?? '';
    const csrfToken = me.headers.get('x-csrf-token') ?? '';
    expect(jsession).toMatch(/^[0-9a-f]{32}$/);
    expect(csrfHeader).not.toBe('');
    expect(csrfToken).not.toBe('');
    const secrets = { ...MADE_UP, jsession, csrfToken };

    // CometD through the recorder on both transports, credentials in headers and in the handshake ext.
    const handshakeProps = { ext: { authorization: MADE_UP.extAuthorization, agentPin: MADE_UP.pin } };
    const clients: TestClient[] = [];
    for (const [transport, headers] of [
      ['long-polling', { ...auth, Cookie: `JSESSIONID=${jsession}`, 'X-Agent-Secret': MADE_UP.agentSecret }],
      ['websocket', auth],
    ] as const) {
      const client = await connectClient({
        url: `${recorder.url}/api/v2/notifications`,
        transport,
        headers,
        handshakeProps,
      });
      onTestFinished(() => client.disconnect());
      await client.subscribe('/v2/me/calls');
      clients.push(client);
    }

    // A call; then user data holding a redacted key and the session id itself, echoed back in notifications.
    const callId = await ringCall(simulator, '5005', '5000');
    const attach = await request(`${recorder.url}/api/v2/me/calls/${callId}`, {
      headers: {
        ...auth,
        Cookie: `JSESSIONID=${jsession}`,
        [csrfHeader]: csrfToken,
        'X-Agent-Secret': MADE_UP.agentSecret,
      },
      body: {
        operationName: 'AttachUserData',
        userData: { agentPin: MADE_UP.pin, sessionEcho: jsession, note: MARKER },
      },
    });
    expect(attach.body).toEqual({ statusCode: 0 }); // CSRF is enforced: the token went through
    for (const client of clients) {
      const changed = await client.next('/v2/me/calls', (m) => userDataOf(m.data)?.note === MARKER);
      expect(userDataOf(changed.data)).toMatchObject({ agentPin: MADE_UP.pin, sessionEcho: jsession });
    }
    for (const client of clients) await client.disconnect();

    // While recording: the rows sit in the WAL.
    await recorder.flush();
    const live = fileBytes(dbPath);
    expect(live.has('-wal')).toBe(true);
    expect(hasMarker(live)).toBe(true);
    expect(leaks(live, secrets)).toEqual([]);

    // After closing: checkpointed into the main file.
    await recorder.close();
    const rows = store.messages(recorder.sessionId, { channel: '/v2/me/calls' });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    store.close();
    const closed = fileBytes(dbPath);
    expect(hasMarker(closed)).toBe(true);
    expect(leaks(closed, secrets)).toEqual([]);
    // nor in what the recorder logged, at any level
    const logged = logger.lines.map((l) => `${inspect(l.obj, { depth: 8 })} ${l.msg ?? ''}`).join('\n');
    expect(leaks(new Map([['log', Buffer.from(logged)]]), secrets)).toEqual([]);
  });
});
