import { describe, expect, it } from 'vitest';
import { basicAuth, request, ringCall, startTestSimulator } from '../helpers/simulator.js';

describe('simulator auth', () => {
  it('lets Basic auth (user name or DN) or the session cookie select the agent', async () => {
    const sim = await startTestSimulator();
    const byName = await request<{ user: { userName: string } }>(`${sim.url}/api/v2/me`, {
      headers: { Authorization: basicAuth('agent5001') },
    });
    expect(byName.body.user.userName).toBe('agent5001');
    const byDn = await request<{ user: { userName: string } }>(`${sim.url}/api/v2/me`, {
      headers: { Authorization: basicAuth('15000') },
    });
    expect(byDn.body.user.userName).toBe('agent15000');
    const cookie = (byName.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const id = await ringCall(sim, '5001', '5000');
    const calls = await request<{ uris: string[] }>(`${sim.url}/api/v2/me/calls`, {
      headers: { Cookie: cookie },
    });
    expect(calls.body.uris).toEqual([`${sim.url}/api/v2/me/calls/${id}`]);
    const anonymous = await request<{ uris: string[] }>(`${sim.url}/api/v2/me/calls`);
    expect(anonymous.body.uris).toEqual([]);
  });

  it('denies an unknown user with 401 and statusCode 20, and anonymous requests when auth is required', async () => {
    const sim = await startTestSimulator({ isAuthRequired: true });
    const unknown = await request(`${sim.url}/api/v2/me`, {
      headers: { Authorization: basicAuth('mallory') },
    });
    expect([unknown.status, unknown.body]).toEqual([401, { statusCode: 20, statusMessage: 'Access denied' }]);
    const anonymous = await request(`${sim.url}/api/v2/me`);
    expect([anonymous.status, anonymous.body]).toEqual([
      401,
      { statusCode: 20, statusMessage: 'Access denied' },
    ]);
    const known = await request(`${sim.url}/api/v2/me`, {
      headers: { Authorization: basicAuth('agent5005') },
    });
    expect(known.status).toBe(200);
  });

  it('enforces CSRF on POST when asked: 403 text without the token, accepted with token and cookie', async () => {
    const sim = await startTestSimulator({ isCsrfEnforced: true });
    const id = await ringCall(sim, '5005', '5000');
    const answer = { operationName: 'Answer' };
    const bare = await request(`${sim.url}/api/v2/me/calls/${id}`, { body: answer });
    expect([bare.status, bare.body]).toEqual([403, 'Missing or invalid Csrf token']);
    const me = await request(`${sim.url}/api/v2/me`);
    const cookie = (me.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = me.headers.get('x-csrf-token') ?? '';
    const wrong = await request(`${sim.url}/api/v2/me/calls/${id}`, {
      body: answer,
      headers: { Cookie: cookie, 'X-CSRF-TOKEN': 'not-the-token' },
    });
    expect(wrong.status).toBe(403);
    const good = await request(`${sim.url}/api/v2/me/calls/${id}`, {
      body: answer,
      headers: { Cookie: cookie, 'X-CSRF-TOKEN': token },
    });
    expect([good.status, good.body]).toEqual([200, { statusCode: 0 }]);
  });
});
