import { describe, expect, it, onTestFinished } from 'vitest';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { type ClientTransport, connectClient } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { createNormalizer } from '../helpers/seed.js';
import { basicAuth, request, startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];

interface CallData {
  call: { id: string; state: string; uri: string; parentCallUri?: string };
}
const callOf = (message: BayeuxMessage): CallData['call'] => (message.data as CallData).call;

describe.each(TRANSPORTS)('gws-vcr record in front of gws-vcr simulate (%s)', (transport) => {
  it("records the seed's two-step transfer, run by the official client through the proxy, completely", async () => {
    const sim = await startTestSimulator({ latencyMs: 5 });
    const { recorder, store } = await startTestRecorder(sim.url, {
      name: `seed over ${transport}`,
      isWriterOffThread: true,
    });
    const auth = { Authorization: basicAuth('agent5005') };
    const proxied = await connectClient({
      url: `${recorder.url}/api/v2/notifications`,
      transport,
      headers: auth,
    });
    onTestFinished(() => proxied.disconnect());
    // the same agent's session straight at the simulator sees what a client without the proxy would see
    const direct = await connectClient({ url: sim.notificationsUrl, transport, headers: auth });
    onTestFinished(() => direct.disconnect());
    await proxied.subscribe('/v2/me/calls');
    await direct.subscribe('/v2/me/calls');
    const next = () => proxied.next('/v2/me/calls');

    const ring = await request<{ id: string }>(`${recorder.url}/sim/calls`, {
      body: { to: '5005', from: '5000' },
    });
    const ringing = await next();
    // the client follows the URIs it is given, and they keep it on the proxy
    const aUri = callOf(ringing).uri;
    expect(aUri).toBe(`${recorder.url}/api/v2/me/calls/${ring.body.id}`);
    expect((await request(aUri, { body: { operationName: 'Answer' }, headers: auth })).body).toEqual({
      statusCode: 0,
    });
    await next(); // Established
    const initiate = await request(aUri, {
      body: { operationName: 'InitiateTransfer', destination: { phoneNumber: '5001' } },
      headers: auth,
    });
    expect(initiate.body).toEqual({ statusCode: 0 });
    await next(); // A Held
    const dialing = await next();
    expect(callOf(dialing).parentCallUri).toBe(aUri);
    const complete = await request(callOf(dialing).uri, {
      body: { operationName: 'CompleteTransfer' },
      headers: auth,
    });
    expect(complete.body).toEqual({ statusCode: 0 });
    await next(); // A Released
    const last = await next(); // B Released
    expect(callOf(last).state).toBe('Released');
    await direct.next(
      '/v2/me/calls',
      (m) => callOf(m).id === callOf(last).id && callOf(m).state === 'Released',
    );
    await proxied.disconnect();
    await recorder.close();

    // what the client got through the proxy is what it gets directly, URLs aside
    const viaProxy = createNormalizer(recorder.url);
    const straight = createNormalizer(sim.url);
    expect(proxied.received.map((m) => viaProxy(m.data))).toEqual(
      direct.received.map((m) => straight(m.data)),
    );
    expect(proxied.received.map((m) => callOf(m).state)).toEqual([
      'Ringing',
      'Established',
      'Held',
      'Dialing',
      'Released',
      'Released',
    ]);

    // every notification the client received is in the database, in order, with its time, as the server sent it
    const rows = store.messages(recorder.sessionId, { channel: '/v2/me/calls', direction: 'to-client' });
    const ours = createNormalizer(sim.url);
    expect(rows.map((r) => ours(r.message.data))).toEqual(direct.received.map((m) => straight(m.data)));
    expect(rows.every((r) => r.transport === transport)).toBe(true);
    const times = rows.map((r) => r.atMs);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(JSON.stringify(rows.map((r) => r.message))).toContain(`"uri":"${sim.url}/api/v2/me/calls/`);

    // and the REST side: each operation with its response, in order
    const operations = store
      .exchanges(recorder.sessionId)
      .filter((e) => e.kind === 'http' && e.method === 'POST' && e.path.startsWith('/api/v2/me/calls/'));
    expect(operations.map((e) => JSON.parse(e.requestBody?.toString() ?? '{}').operationName)).toEqual([
      'Answer',
      'InitiateTransfer',
      'CompleteTransfer',
    ]);
    expect(operations.map((e) => e.responseBody?.toString())).toEqual(Array(3).fill('{"statusCode":0}'));
    expect(
      operations.every((e) =>
        e.requestHeaders.some(([n, v]) => n.toLowerCase() === 'authorization' && v === 'Basic [REDACTED]'),
      ),
    ).toBe(true);
    // each notification came after the operation that caused it
    const answeredAt = operations[0]?.endMs ?? Number.POSITIVE_INFINITY;
    expect(rows[1]?.atMs).toBeGreaterThan(answeredAt);
    const carrier = transport === 'websocket' ? 'websocket' : 'bayeux';
    expect(store.exchanges(recorder.sessionId).some((e) => e.kind === carrier)).toBe(true);
    expect(store.listSessions()[0]).toMatchObject({
      name: `seed over ${transport}`,
      endedAt: expect.any(String),
    });
  });
});
