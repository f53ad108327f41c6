import { describe, expect, it, onTestFinished } from 'vitest';
import { CAPABILITIES } from '../../src/gws/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { rawRequest as httpRequest } from '../bayeux/raw-client.js';
import { type ClientTransport, connectClient, type TestClient } from '../helpers/cometd-client.js';
import { h2cHead, sendRaw } from '../helpers/raw-http.js';
import { createNormalizer, SEED_ORIGIN, seedNotifications } from '../helpers/seed.js';
import { basicAuth, callOperation, request, ringCall, startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];
const seed = seedNotifications();

interface CallData {
  notificationType: string;
  call: {
    id: string;
    state: string;
    connId: string;
    duration: string;
    capabilities: string[];
    parentCallUri?: string;
  };
}
const callOf = (message: { data?: unknown }): CallData => message.data as CallData;

const connect = async (
  url: string,
  transport: ClientTransport,
  headers?: Record<string, string>,
): Promise<TestClient> => {
  const client = await connectClient({ url, transport, ...(headers === undefined ? {} : { headers }) });
  onTestFinished(() => client.disconnect());
  return client;
};

describe.each(TRANSPORTS)('simulator over CometD (%s)', (transport) => {
  it("plays seed Sample 2, the two-step transfer: the seed's notifications, field by field, in order", async () => {
    const sim = await startTestSimulator({ latencyMs: 5 });
    const client = await connect(sim.notificationsUrl, transport);
    await client.subscribe('/v2/me/calls');
    const next = () => client.next('/v2/me/calls');

    const a = await ringCall(sim, '5005', '5000');
    const ringing = await next();
    expect((await callOperation(sim, a, 'Answer')).body).toEqual({ statusCode: 0 });
    const established = await next();
    const initiate = await callOperation(sim, a, 'InitiateTransfer', {
      destination: { phoneNumber: '5001' },
    });
    expect(initiate.body).toEqual({ statusCode: 0 });
    const held = await next();
    const dialing = await next();
    const b = callOf(dialing).call.id;
    expect((await callOperation(sim, b, 'CompleteTransfer')).body).toEqual({ statusCode: 0 });
    const releasedA = await next();
    const releasedB = await next();
    const got = [ringing, established, held, dialing, releasedA, releasedB];

    const ours = createNormalizer(sim.url);
    const theirs = createNormalizer(SEED_ORIGIN);
    const expected = seed.filter((n) => n.sample === 'Sample 2');
    expect(got.map((m) => m.channel)).toEqual(expected.map((n) => n.channel));
    expect(got.map((m) => ours(m.data))).toEqual(expected.map((n) => theirs(n.data)));

    // ids in the seed's style: one run prefix, counter +1; connId +1; durations whole seconds as strings
    expect(b.slice(0, 26)).toBe(`${a.slice(0, 23)}AES`);
    expect(Number.parseInt(b.slice(26), 32)).toBe(Number.parseInt(a.slice(26), 32) + 1);
    const [connA, connB] = [callOf(held).call.connId, callOf(dialing).call.connId];
    expect(BigInt(`0x${connB}`) - BigInt(`0x${connA}`)).toBe(1n);
    for (const m of got) expect(callOf(m).call.duration).toMatch(/^\d+$/);
    expect(client.messages('/v2/me/calls')).toHaveLength(6);
  });

  it('plays seed Sample 1 for agent 15000 (Basic auth), and only that agent gets its notifications', async () => {
    const sim = await startTestSimulator();
    const agent15000 = { Authorization: basicAuth('agent15000') };
    const client = await connect(sim.notificationsUrl, transport, agent15000);
    const bystander = await connect(sim.notificationsUrl, transport);
    await client.subscribe('/v2/me/calls');
    await bystander.subscribe('/v2/me/*');
    const next = () => client.next('/v2/me/calls');
    const devices = await request<{ devices: Array<{ id: string }> }>(
      `${sim.url}/api/v2/me/devices?fields=*`,
      {
        headers: agent15000,
      },
    );
    const deviceId = devices.body.devices[0]?.id;
    expect(deviceId).toBe('631608b3-ceb1-472b-ba05-2ae39555b0d1');
    await request(`${sim.url}/api/v2/me/devices/${deviceId}/calls`, {
      body: { operationName: 'Dial', destination: { phoneNumber: '15001' } },
      headers: agent15000,
    });
    const a = callOf(await next()).call.id;
    await request(`${sim.url}/sim/calls/${a}/answer`, { body: {} });
    await next();
    await callOperation(sim, a, 'InitiateTransfer', { destination: { phoneNumber: '15002' } }, agent15000);
    await next();
    const b = callOf(await next()).call.id;
    await request(`${sim.url}/sim/calls/${b}/answer`, { body: {} });
    await next();
    expect((await callOperation(sim, b, 'CompleteTransfer', {}, agent15000)).body).toEqual({ statusCode: 0 });
    const released = [await next(), await next()];

    const ours = createNormalizer(sim.url);
    const theirs = createNormalizer(SEED_ORIGIN);
    const expected = seed.filter((n) => n.sample === 'Sample 1');
    expect(released.map((m) => ours(m.data))).toEqual(expected.map((n) => theirs(n.data)));

    // The anonymous client is agent 5005: once its own call arrives, nothing of 15000's came before it.
    const own = await ringCall(sim, '5005', '5000');
    const first = await bystander.next('/v2/me/calls');
    expect(callOf(first).call.id).toBe(own);
    expect(bystander.received.map((m) => m.channel)).toEqual(['/v2/me/calls']);
  });

  it('publishes an agent-state change as a DeviceStateChangeMessage on /v2/me/devices', async () => {
    const sim = await startTestSimulator();
    const client = await connect(sim.notificationsUrl, transport);
    await client.subscribe('/v2/me/devices');
    await request(`${sim.url}/api/v2/me/channels/voice`, { body: { operationName: 'Ready' } });
    const ready = await client.next('/v2/me/devices');
    expect(ready.data).toEqual({
      messageType: 'DeviceStateChangeMessage',
      devices: [
        {
          id: 'efe1ab32-53f9-43ce-b65e-5768c61f7d4a',
          deviceState: 'Active',
          userState: { id: '9430250E-0A1B-421F-B372-F29E69366DED', displayName: 'Ready', state: 'Ready' },
          phoneNumber: '5005',
          e164Number: '',
          telephonyNetwork: 'Private',
          doNotDisturb: 'Off',
          voiceEnvironmentUri: `${sim.url}/api/v2/voice-environments/370ef5e6-9e3c-4d91-9588-7f4dfe67e011`,
          capabilities: ['ForwardCallsOn', 'DoNotDisturbOn'],
        },
      ],
    });
    await request(`${sim.url}/api/v2/me/channels/voice`, { body: { operationName: 'AfterCallWork' } });
    const acw = await client.next('/v2/me/devices');
    expect(acw.data).toMatchObject({
      devices: [{ userState: { state: 'NotReady', workMode: 'AfterCallWork' } }],
    });
  });

  it('survives a restart: the client re-handshakes with the new server and gets its calls', async () => {
    const first = await startSimulator({ port: 0, latencyMs: 0 });
    onTestFinished(() => first.close());
    const client = await connect(first.notificationsUrl, transport);
    await client.subscribe('/v2/me/calls');
    const port = Number(new URL(first.url).port);
    const reestablished = client.reestablished(15_000);
    await first.close();
    const second = await startTestSimulator({ port });
    await reestablished;
    const id = await ringCall(second, '5005', '5000');
    const ringing = await client.next('/v2/me/calls');
    expect([callOf(ringing).call.id, callOf(ringing).call.state]).toEqual([id, 'Ringing']);
    expect(callOf(ringing).call.capabilities).toEqual([...CAPABILITIES.ringing]);
  }, 20_000);
});

describe('simulator server', () => {
  it('answers a request target that is no URL with 400, on a request or an upgrade, and goes on serving', async () => {
    const sim = await startTestSimulator();
    const plain = await sendRaw(sim.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(plain.slice(plain.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 10 });
    const upgrade = await sendRaw(
      sim.url,
      'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 404 /);
    expect((await request(`${sim.url}/api/v2/me`)).status).toBe(200);
  });

  it('serves an h2c upgrade (curl --http2) as the HTTP/1.1 request it also is, REST and CometD alike', async () => {
    const sim = await startTestSimulator();
    const handshake = JSON.stringify([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]);
    // Pipelined on one connection: the second upgrade comes while the first request is being answered.
    const received = await sendRaw(
      sim.url,
      h2cHead('GET', '/api/v2/me', 'x') +
        h2cHead(
          'POST',
          '/api/v2/notifications/handshake',
          'x',
          `Content-Type: application/json\r\nContent-Length: ${handshake.length}\r\nConnection: close\r\n`,
        ) +
        handshake,
    );
    const [me, shaken] = received.split(/(?=HTTP\/1\.1 )/);
    expect(me).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(me).toContain('"userName":"agent5005"');
    expect(shaken).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(shaken).toContain('{"channel":"/meta/handshake","clientId":');
    expect(shaken).toContain('"successful":true');
  });

  it('serves only /api/v2 and /sim and what is under them, not a path that merely begins the same', async () => {
    const sim = await startTestSimulator();
    expect((await request(`${sim.url}/api/v2/me`)).status).toBe(200);
    expect((await request(`${sim.url}/sim/agents`)).status).toBe(200);
    for (const path of ['/', '/api', '/api/v2x', '/api/v2x/me', '/simx', '/simulator/agents']) {
      const reply = await request(`${sim.url}${path}`);
      expect([path, reply.status]).toEqual([path, 404]);
      expect(reply.body).toMatchObject({ statusMessage: expect.stringMatching(/^No resource at \//) });
    }
  });

  it('takes a target for CometD by the recorder’s rule, the path as sent, dot segments unresolved', async () => {
    const sim = await startTestSimulator();
    const handshake =
      '[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"]}]';
    // sent as written; fetch would resolve the dot segments first
    const post = async (path: string) => {
      const res = await httpRequest(sim.url, { path, body: handshake });
      return { status: res.status, body: res.json };
    };
    // under the notifications path as sent: the Bayeux server answers, as the recorder would have stored it
    expect(await post('/api/v2/notifications/../me')).toMatchObject({
      status: 200,
      body: [{ channel: '/meta/handshake', successful: true }],
    });
    // not under it as sent: the REST API answers, with the resolved path it has no resource at
    expect(await post('/api/v2/me/../notifications')).toMatchObject({
      status: 404,
      body: { statusMessage: 'No resource at POST /api/v2/notifications' },
    });
  });

  it('sends notifications --latency ms after the response that caused them', async () => {
    const latencyMs = 150;
    const sim = await startTestSimulator({ latencyMs });
    const client = await connect(sim.notificationsUrl, 'long-polling');
    await client.subscribe('/v2/me/calls');
    const id = await ringCall(sim, '5005', '5000');
    await client.next('/v2/me/calls');
    const answeredAtMs = performance.now();
    expect((await callOperation(sim, id, 'Answer')).body).toEqual({ statusCode: 0 });
    await client.next('/v2/me/calls');
    const notifiedAtMs = performance.now();
    expect(notifiedAtMs - answeredAtMs).toBeGreaterThanOrEqual(latencyMs);
  });

  it('closes at once with a held poll and a pending notification, idempotently, and frees its port', async () => {
    const sim = await startSimulator({ port: 0, latencyMs: 60_000 });
    onTestFinished(() => sim.close());
    const client = await connect(sim.notificationsUrl, 'long-polling');
    await client.subscribe('/v2/me/calls');
    await ringCall(sim, '5005', '5000');
    const startedAtMs = performance.now();
    await Promise.all([sim.close(), sim.close()]);
    await sim.close();
    // well under the Bayeux server's 1 s close grace, the 30 s hold and the 60 s latency it could wait on
    expect(performance.now() - startedAtMs).toBeLessThan(900);
    await expect(fetch(`${sim.url}/api/v2/me`)).rejects.toThrow();
    expect(client.received).toEqual([]);
  });

  it('refuses to start on a port in use, saying which and what to do', async () => {
    const sim = await startTestSimulator();
    const port = Number(new URL(sim.url).port);
    await expect(startSimulator({ port })).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });
});
