import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildDashboardApp } from '../../src/dashboard/index.js';
import { dashboardOver, seedDashboard } from '../helpers/dashboard-fixtures.js';
import {
  failedCompleteTransfer,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_TIMES,
  seedTwoStepTransfer,
} from '../helpers/rows.js';
import { makeExchange, makeFrame, makeSession, openTempStore } from '../helpers/store-rows.js';

describe('GET /api/sessions', () => {
  it('lists every session with its counts, oldest first', async () => {
    const { app } = await dashboardOver([
      { name: 'seed', script: seedTwoStepTransfer(new RecordingScript()) },
      { name: 'failed', script: failedCompleteTransfer(new RecordingScript()), ended: false },
    ]);
    const body = (await app.inject({ url: '/api/sessions' })).json();
    expect(body.items.map((s: { name: string }) => s.name)).toEqual(['seed', 'failed']);
    expect(body.items[0]).toMatchObject({ id: 1, exchanges: 3, messages: 6, frames: 0, isLive: false });
    expect(body.items[0].endedAt).not.toBeNull();
    expect(body.items[1].endedAt).toBeNull();
  });

  it('answers one session, and a 404 in the error shape for an unknown one', async () => {
    const { app } = await seedDashboard();
    expect((await app.inject({ url: '/api/sessions/1' })).json()).toMatchObject({
      id: 1,
      name: 'seed',
      messages: 6,
    });
    const missing = await app.inject({ url: '/api/sessions/42' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      error: 'VCR_SESSION_NOT_FOUND',
      message: expect.stringContaining('42'),
    });
    const bad = await app.inject({ url: '/api/sessions/abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'VCR_DASHBOARD_BAD_QUERY' });
  });
});

describe('GET /api/sessions/:id/messages', () => {
  it('pages through the messages in time order with the total that matched', async () => {
    const { app } = await seedDashboard();
    const first = (await app.inject({ url: '/api/sessions/1/messages?limit=4' })).json();
    expect(first).toMatchObject({ total: 6, offset: 0, limit: 4 });
    expect(first.items).toHaveLength(4);
    const rest = (await app.inject({ url: '/api/sessions/1/messages?limit=4&offset=4' })).json();
    expect(rest.items).toHaveLength(2);
    const times = [...first.items, ...rest.items].map((m: { atMs: number }) => m.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBe(SEED_TIMES.ringing);
    expect(first.items[0].message.data.call.state).toBe('Ringing');
  });

  it('filters by time window (inclusive), text, channel wildcard and direction', async () => {
    const script = seedTwoStepTransfer(new RecordingScript());
    script.message(
      SEED_TIMES.held + 1,
      { messageType: 'DeviceStateChangeMessage', devices: [] },
      '/v2/me/devices',
    );
    const { app } = await dashboardOver([{ name: 'seed', script }]);
    const get = async (qs: string) => (await app.inject({ url: `/api/sessions/1/messages?${qs}` })).json();

    const window = await get(`fromMs=${SEED_TIMES.held}&toMs=${SEED_TIMES.dialing}`);
    expect(window.items.map((m: { atMs: number }) => m.atMs)).toEqual([
      SEED_TIMES.held,
      SEED_TIMES.held + 1,
      SEED_TIMES.dialing,
    ]);
    expect((await get(`text=${SEED_CALL_B.id}`)).total).toBe(2);
    expect((await get('channel=/v2/me/devices')).total).toBe(1);
    expect((await get('channel=/v2/me/*')).total).toBe(7);
    expect((await get('channel=/v2/**')).total).toBe(7);
    expect((await get('direction=to-server')).total).toBe(0);
    expect((await get('direction=to-client')).total).toBe(7);
  });

  it('refuses parameters that make no sense with a 400 naming the parameter', async () => {
    const { app } = await seedDashboard();
    for (const qs of [
      'limit=-1',
      'limit=abc',
      'limit=100000',
      'offset=-5',
      'fromMs=soon',
      'direction=sideways',
    ]) {
      const response = await app.inject({ url: `/api/sessions/1/messages?${qs}` });
      expect(response.statusCode, qs).toBe(400);
      const body = response.json();
      expect(body.error).toBe('VCR_DASHBOARD_BAD_QUERY');
      expect(body.message).toContain(qs.split('=')[0]);
    }
  });
});

describe('GET /api/sessions/:id/exchanges', () => {
  it('answers exchanges with bodies as UTF-8 text, filtered by window and path text', async () => {
    const { app } = await seedDashboard();
    const all = (await app.inject({ url: '/api/sessions/1/exchanges' })).json();
    expect(all.total).toBe(3);
    const answer = all.items[0];
    expect(answer).toMatchObject({ method: 'POST', status: 200, startMs: SEED_TIMES.answer });
    expect(answer.requestBody).toEqual({ encoding: 'utf8', text: '{"operationName":"Answer"}' });
    expect(JSON.parse(answer.responseBody.text)).toEqual({ statusCode: 0 });

    const onB = (await app.inject({ url: `/api/sessions/1/exchanges?text=${SEED_CALL_B.id}` })).json();
    expect(onB.items.map((e: { startMs: number }) => e.startMs)).toEqual([SEED_TIMES.complete]);
    const windowed = (
      await app.inject({ url: `/api/sessions/1/exchanges?fromMs=${SEED_TIMES.initiate}&limit=1` })
    ).json();
    expect(windowed).toMatchObject({ total: 2, limit: 1 });
    expect(windowed.items[0].startMs).toBe(SEED_TIMES.initiate);
  });

  it('shows a compressed response decoded, saying from what, and one that does not decode as stored', async () => {
    const script = new RecordingScript();
    const zipped = script.post(SEED_CALL_A, 'Answer', 10);
    zipped.responseBody = gzipSync('{"statusCode":3,"statusMessage":"refused"}');
    zipped.responseHeaders = [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ];
    const cut = script.post(SEED_CALL_A, 'Hold', 20);
    cut.responseBody = (zipped.responseBody as Buffer).subarray(0, 8);
    cut.responseHeaders = zipped.responseHeaders;
    const { app } = await dashboardOver([{ name: 'zipped', script }]);
    const one = (await app.inject({ url: `/api/sessions/1/exchanges/${zipped.id}` })).json();
    expect(one.responseBody).toEqual({
      encoding: 'utf8',
      text: '{"statusCode":3,"statusMessage":"refused"}',
      decodedFrom: 'gzip',
    });
    const broken = (await app.inject({ url: `/api/sessions/1/exchanges/${cut.id}` })).json();
    expect(broken.responseBody).toEqual({
      encoding: 'base64',
      text: (zipped.responseBody as Buffer).subarray(0, 8).toString('base64'),
    });
  });

  it('answers one exchange by id, base64 for a body that is not UTF-8, and 404 for an unknown id', async () => {
    const script = new RecordingScript();
    const binary = script.post(SEED_CALL_A, 'Answer', 10);
    binary.responseBody = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const { app } = await dashboardOver([{ name: 'bin', script }]);
    const one = (await app.inject({ url: `/api/sessions/1/exchanges/${binary.id}` })).json();
    expect(one.responseBody).toEqual({
      encoding: 'base64',
      text: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'),
    });
    const missing = await app.inject({ url: '/api/sessions/1/exchanges/999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('VCR_DASHBOARD_NOT_FOUND');
  });
});

describe('GET /api/sessions/:id/frames', () => {
  it('answers the frames of a WebSocket connection, payloads as text or base64, filtered', async () => {
    const store = openTempStore();
    const session = store.createSession(makeSession({ name: 'ws' }));
    const upgrade = makeExchange({ id: 1, kind: 'websocket', path: '/api/v2/notifications', status: 101 });
    const binary = Buffer.from([0xff, 0x00, 0x41]);
    store.writeRows(session.id, {
      exchanges: [upgrade],
      frames: [
        makeFrame({ id: 1, exchangeId: 1, atMs: 10 }),
        makeFrame({
          id: 2,
          exchangeId: 1,
          atMs: 20,
          direction: 'to-client',
          opcode: 'binary',
          payload: binary,
        }),
        makeFrame({ id: 3, exchangeId: 1, atMs: 30, opcode: 'close', payload: Buffer.from([0x03, 0xe8]) }),
      ],
    });
    const app = await buildDashboardApp({ store });
    onTestFinished(() => app.close());
    const get = async (qs = '') =>
      (await app.inject({ url: `/api/sessions/${session.id}/frames?${qs}` })).json();

    const all = await get();
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({
      id: 1,
      sessionId: session.id,
      exchangeId: 1,
      opcode: 'text',
      payload: { encoding: 'utf8', text: '[{"channel":"/meta/connect"}]' },
    });
    expect(all.items[1].payload).toEqual({ encoding: 'base64', text: binary.toString('base64') });
    const ids = async (qs: string) => (await get(qs)).items.map((f: { id: number }) => f.id);
    expect(await ids('opcode=binary')).toEqual([2]);
    expect(await ids('direction=to-server')).toEqual([1, 3]);
    expect(await ids('fromMs=15&toMs=30')).toEqual([2, 3]);
    expect(await ids('text=meta/connect')).toEqual([1]);
    expect(await ids('exchangeId=1&limit=1&offset=2')).toEqual([3]);
    expect(await ids('exchangeId=2')).toEqual([]);
  });

  it('answers an empty page for a session without WebSocket traffic', async () => {
    const { app } = await seedDashboard();
    expect((await app.inject({ url: '/api/sessions/1/frames' })).json()).toEqual({
      total: 0,
      offset: 0,
      limit: 100,
      items: [],
    });
  });
});

describe('recorded content in API answers', () => {
  it('comes back as data, byte for byte, whatever markup it holds', async () => {
    const script = new RecordingScript();
    const hostile = '<script>alert(1)</script>';
    script.message(5, {
      messageType: 'CallStateChangeMessage',
      call: { id: hostile, userData: { x: hostile } },
    });
    const { app } = await dashboardOver([{ name: hostile, script }]);
    const response = await app.inject({ url: '/api/sessions/1/messages' });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json().items[0].message.data.call.userData.x).toBe(hostile);
    expect((await app.inject({ url: '/api/sessions/1' })).json().name).toBe(hostile);
  });
});
