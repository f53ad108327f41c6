import { describe, expect, it } from 'vitest';
import { request, ringCall, startTestSimulator } from '../helpers/simulator.js';

describe('simulator control API', () => {
  it('rings a call at the agent named by "to" and lists it', async () => {
    const sim = await startTestSimulator();
    const reply = await request<{ id: string }>(`${sim.url}/sim/calls`, {
      body: { to: '5005', from: '5000' },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['id']);
    const calls = await request(`${sim.url}/sim/calls`);
    expect(calls.body).toEqual({
      calls: [
        { id: reply.body.id, agent: '5005', state: 'Ringing', callType: 'Internal', participants: ['5000'] },
      ],
    });
  });

  it('makes the far end answer a Dialing call and hang up a live one', async () => {
    const sim = await startTestSimulator();
    await request(`${sim.url}/api/v2/me/devices/efe1ab32-53f9-43ce-b65e-5768c61f7d4a/calls`, {
      body: { operationName: 'Dial', destination: { phoneNumber: '5001' } },
    });
    const listed = await request<{ calls: Array<{ id: string }> }>(`${sim.url}/sim/calls`);
    const id = listed.body.calls[0]?.id ?? '';
    expect((await request(`${sim.url}/sim/calls/${id}/answer`, { body: {} })).body).toEqual({
      id,
      state: 'Established',
    });
    const again = await request(`${sim.url}/sim/calls/${id}/answer`, { body: {} });
    expect([again.status, again.body.error]).toEqual([409, 'VCR_SIM_INVALID_STATE']);
    expect((await request(`${sim.url}/sim/calls/${id}/hangup`, { body: {} })).body).toEqual({
      id,
      state: 'Released',
    });
    const gone = await request(`${sim.url}/sim/calls/${id}/hangup`, { body: {} });
    expect([gone.status, gone.body.error]).toEqual([404, 'VCR_SIM_NOT_FOUND']);
  });

  it('explains bad control requests: no "to", unknown agent, not JSON, unknown endpoint', async () => {
    const sim = await startTestSimulator();
    const noTo = await request(`${sim.url}/sim/calls`, { body: { from: '5000' } });
    expect([noTo.status, noTo.body.error]).toEqual([400, 'VCR_SIM_BAD_REQUEST']);
    expect(noTo.body.message).toMatch(/"to"/);
    const unknown = await request(`${sim.url}/sim/calls`, { body: { to: '9999', from: '5000' } });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'VCR_SIM_NOT_FOUND']);
    expect(unknown.body.message).toMatch(/agents: 5005, 15000, 5001, 5002/);
    const notJson = await request(`${sim.url}/sim/calls`, { body: '{"to":' });
    expect([notJson.status, notJson.body.error]).toEqual([400, 'VCR_SIM_BAD_REQUEST']);
    const nowhere = await request(`${sim.url}/sim/teleport`, { body: {} });
    expect([nowhere.status, nowhere.body.error]).toEqual([404, 'VCR_SIM_NOT_FOUND']);
    expect((await request<{ calls: unknown[] }>(`${sim.url}/sim/calls`)).body.calls).toEqual([]);
    await ringCall(sim, '5005', '5000');
  });
});
