import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/gws/index.js';
import { callOperation, request, ringCall, startTestSimulator } from '../helpers/simulator.js';

const SEED_DEVICE = 'efe1ab32-53f9-43ce-b65e-5768c61f7d4a';

describe('simulator REST resources', () => {
  it('serves GET /api/v2/me for the default agent 5005, with a session cookie and CSRF headers', async () => {
    const sim = await startTestSimulator();
    const me = await request<{ statusCode: number; user: Record<string, unknown> }>(`${sim.url}/api/v2/me`);
    expect(me.status).toBe(200);
    expect(me.body.statusCode).toBe(0);
    expect(Object.keys(me.body.user)).toEqual([
      'id',
      'userName',
      'firstName',
      'lastName',
      'roles',
      'enabled',
      'changePasswordOnFirstLogin',
      'uri',
      'path',
    ]);
    expect(me.body.user.userName).toBe('agent5005');
    expect(me.body.user.uri).toBe(`${sim.url}/api/v2/users/${me.body.user.id}`);
    expect(me.headers.get('set-cookie')).toMatch(/^JSESSIONID=[0-9a-f]{32}; Path=\/; HttpOnly$/);
    expect(me.headers.get('x-csrf-header')).toBe('X-CSRF-TOKEN');
    expect(me.headers.get('x-csrf-token')).toMatch(/^[0-9a-f-]{36}$/);
    const full = await request<{ user: { devices: Array<{ id: string }> } }>(
      `${sim.url}/api/v2/me?subresources=*`,
    );
    expect(full.body.user.devices.map((d) => d.id)).toEqual([SEED_DEVICE]);
  });

  it('lists, reads and operates calls: ring, uris, fields=*, one call, Answer', async () => {
    const sim = await startTestSimulator();
    const id = await ringCall(sim, '5005', '5000');
    expect(id).toMatch(/^01[0-9A-V]{21}AES[0-9A-V]{6}$/);
    const uris = await request(`${sim.url}/api/v2/me/calls`);
    expect(uris.body).toEqual({ statusCode: 0, uris: [`${sim.url}/api/v2/me/calls/${id}`] });
    const all = await request<{ calls: Array<{ id: string; state: string }> }>(
      `${sim.url}/api/v2/me/calls?fields=*`,
    );
    expect(all.body.calls.map((c) => [c.id, c.state])).toEqual([[id, 'Ringing']]);
    expect((await callOperation(sim, id, 'Answer')).body).toEqual({ statusCode: 0 });
    const one = await request<{ statusCode: number; call: { state: string; capabilities: string[] } }>(
      `${sim.url}/api/v2/me/calls/${id}`,
    );
    expect(one.body.statusCode).toBe(0);
    expect(one.body.call.state).toBe('Established');
    expect(one.body.call.capabilities).toEqual([...CAPABILITIES.established]);
  });

  it('answers bad input with a GWS status code and HTTP status, and changes nothing', async () => {
    const sim = await startTestSimulator();
    const id = await ringCall(sim, '5005', '5000');
    // Everything but the duration, which may tick over a second while the cases run.
    const read = async () => {
      const { call } = (await request<{ call: Record<string, unknown> }>(`${sim.url}/api/v2/me/calls/${id}`))
        .body;
      return { ...call, duration: undefined };
    };
    const before = await read();
    const cases: Array<[string, unknown, number, number, RegExp]> = [
      [id, '{"operationName": "Answer"', 400, 1, /not valid JSON/],
      [id, '[1,2]', 400, 1, /JSON object/],
      [id, { destination: {} }, 400, 1, /operationName/],
      [id, { operationName: 'Frobnicate' }, 400, 2, /Frobnicate is not a call operation/],
      [id, { operationName: 'Hold' }, 400, 2, /^Hold is not valid for the current state$/],
      [id, { operationName: 'ClearCall' }, 400, 2, /ClearCall is not valid/],
      ['01XXXXXXXXXXXXXXXXXXXXXAES000099', { operationName: 'Answer' }, 404, 6, /does not exist/],
    ];
    for (const [callId, body, status, statusCode, message] of cases) {
      const reply = await request<{ statusCode: number; statusMessage: string }>(
        `${sim.url}/api/v2/me/calls/${callId}`,
        { body },
      );
      expect([reply.status, reply.body.statusCode], JSON.stringify(body)).toEqual([status, statusCode]);
      expect(Object.keys(reply.body)).toEqual(['statusCode', 'statusMessage']);
      expect(reply.body.statusMessage).toMatch(message);
    }
    expect(await read()).toEqual(before);
    const nowhere = await request(`${sim.url}/api/v2/nowhere`);
    expect([nowhere.status, nowhere.body.statusCode]).toEqual([404, 6]);
  });

  it('dials from the agent device and reports devices, channels and agent state', async () => {
    const sim = await startTestSimulator();
    const dial = await request(`${sim.url}/api/v2/me/devices/${SEED_DEVICE}/calls`, {
      body: { operationName: 'Dial', destination: { phoneNumber: '5001' } },
    });
    expect(dial.body).toEqual({ statusCode: 0 });
    const calls = await request<{ calls: Array<{ state: string; callType: string; dnis: string }> }>(
      `${sim.url}/api/v2/me/calls?fields=*`,
    );
    expect(calls.body.calls.map((c) => [c.state, c.callType, c.dnis])).toEqual([
      ['Dialing', 'Internal', '5001'],
    ]);
    const wrongDevice = await request(`${sim.url}/api/v2/me/devices/not-mine/calls`, {
      body: { operationName: 'Dial', destination: { phoneNumber: '5001' } },
    });
    expect([wrongDevice.status, wrongDevice.body.statusCode]).toEqual([404, 6]);
    expect((await request(`${sim.url}/api/v2/me/devices`)).body).toEqual({
      statusCode: 0,
      uris: [`${sim.url}/api/v2/devices/${SEED_DEVICE}`],
    });
    const ready = await request(`${sim.url}/api/v2/me/channels/voice`, { body: { operationName: 'Ready' } });
    expect(ready.body).toEqual({ statusCode: 0 });
    const device = await request<{ device: Record<string, unknown> }>(
      `${sim.url}/api/v2/devices/${SEED_DEVICE}`,
    );
    expect(Object.keys(device.body.device)).toEqual([
      'id',
      'deviceState',
      'userState',
      'phoneNumber',
      'e164Number',
      'telephonyNetwork',
      'doNotDisturb',
      'voiceEnvironmentUri',
      'capabilities',
    ]);
    expect(device.body.device.userState).toEqual({
      id: '9430250E-0A1B-421F-B372-F29E69366DED',
      displayName: 'Ready',
      state: 'Ready',
    });
    const channels = await request<{ channels: Array<{ channel: string; userState: { state: string } }> }>(
      `${sim.url}/api/v2/me/channels?fields=*`,
    );
    expect(channels.body.channels.map((c) => [c.channel, c.userState.state])).toEqual([['voice', 'Ready']]);
  });

  it('starts and ends a contact-center session; ending it invalidates the HTTP session', async () => {
    const sim = await startTestSimulator();
    const auth = { Authorization: `Basic ${Buffer.from('agent5001:x').toString('base64')}` };
    const start = await request(`${sim.url}/api/v2/me`, {
      body: { operationName: 'StartContactCenterSession', channels: ['voice'] },
      headers: auth,
    });
    expect(start.body).toEqual({ statusCode: 0 });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await request<{ user: { userName: string } }>(`${sim.url}/api/v2/me`, {
      headers: { Cookie: cookie },
    });
    expect(me.body.user.userName).toBe('agent5001');
    expect(me.headers.get('set-cookie')).toBeNull();
    const noChannels = await request(`${sim.url}/api/v2/me`, {
      body: { operationName: 'StartContactCenterSession' },
      headers: { Cookie: cookie },
    });
    expect([noChannels.status, noChannels.body.statusCode]).toEqual([400, 1]);
    const end = await request(`${sim.url}/api/v2/me`, {
      body: { operationName: 'EndContactCenterSession' },
      headers: { Cookie: cookie },
    });
    expect(end.body).toEqual({ statusCode: 0 });
    // The old cookie no longer names a session: the request is anonymous again (the default agent).
    const after = await request<{ user: { userName: string } }>(`${sim.url}/api/v2/me`, {
      headers: { Cookie: cookie },
    });
    expect(after.body.user.userName).toBe('agent5005');
    expect(after.headers.get('set-cookie')).toMatch(/^JSESSIONID=/);
  });
});
