import { describe, expect, it, onTestFinished } from 'vitest';
import { CAPABILITIES } from '../../src/gws/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { type ClientTransport, connectClient } from '../helpers/cometd-client.js';
import { callOperation, request, ringCall, startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];

interface CallData {
  notificationType: string;
  call: {
    id: string;
    state: string;
    capabilities: string[];
    participants: Array<{ phoneNumber: string }>;
    parentCallUri?: string;
    parentCallPath?: string;
  };
}

/** A simulator, an agent 5005 client subscribed to its calls, and a call answered at it. */
const answeredCall = async (transport: ClientTransport) => {
  const sim = await startTestSimulator({ latencyMs: 2 });
  const client = await connectClient({ url: sim.notificationsUrl, transport });
  onTestFinished(() => client.disconnect());
  await client.subscribe('/v2/me/calls');
  const next = async (): Promise<CallData> => (await client.next('/v2/me/calls')).data as CallData;
  const id = await ringCall(sim, '5005', '5000');
  await next();
  expect((await callOperation(sim, id, 'Answer')).body).toEqual({ statusCode: 0 });
  expect((await next()).call.state).toBe('Established');
  return { sim, client, next, id };
};

const summary = (d: CallData): [string, string, string] => [d.notificationType, d.call.id, d.call.state];

const operate = async (sim: Simulator, id: string, op: string, params: object = {}): Promise<void> => {
  const reply = await callOperation(sim, id, op, params);
  expect(reply.body, `${op} on ${id}`).toEqual({ statusCode: 0 });
};

describe.each(TRANSPORTS)('call operations over CometD (%s)', (transport) => {
  it('holds and retrieves with the seed capability lists', async () => {
    const { sim, next, id } = await answeredCall(transport);
    await operate(sim, id, 'Hold');
    const held = await next();
    expect([held.call.state, held.call.capabilities]).toEqual(['Held', [...CAPABILITIES.held]]);
    await operate(sim, id, 'Retrieve');
    const back = await next();
    expect([back.call.state, back.call.capabilities]).toEqual(['Established', [...CAPABILITIES.established]]);
  });

  it('single-step transfers: the call is Released with no capabilities', async () => {
    const { sim, next, id } = await answeredCall(transport);
    await operate(sim, id, 'SingleStepTransfer', { destination: { phoneNumber: '5001' } });
    const released = await next();
    expect([summary(released), released.call.capabilities]).toEqual([['StatusChange', id, 'Released'], []]);
    const calls = await request(`${sim.url}/api/v2/me/calls`);
    expect(calls.body).toEqual({ statusCode: 0, uris: [] });
  });

  it('conferences: consult answered by the far end, CompleteConference, then a party removed', async () => {
    const { sim, next, id } = await answeredCall(transport);
    await operate(sim, id, 'InitiateConference', { destination: { phoneNumber: '5001' } });
    expect(summary(await next())).toEqual(['StatusChange', id, 'Held']);
    const dialing = await next();
    const consult = dialing.call.id;
    expect(dialing.call.parentCallUri).toBe(`${sim.url}/api/v2/me/calls/${id}`);
    expect((await request(`${sim.url}/sim/calls/${consult}/answer`, { body: {} })).status).toBe(200);
    expect(summary(await next())).toEqual(['StatusChange', consult, 'Established']);
    await operate(sim, consult, 'CompleteConference');
    const released = await next();
    const joined = await next();
    expect([summary(released), summary(joined)]).toEqual([
      ['StatusChange', consult, 'Released'],
      ['ParticipantsUpdated', id, 'Established'],
    ]);
    expect(released.call.parentCallPath).toBe(`/calls/${id}`);
    expect(joined.call.participants.map((p) => p.phoneNumber)).toEqual(['5000', '5001']);
    await operate(sim, id, 'RemoveParticipantFromConference', { participant: '5000' });
    const reduced = await next();
    expect([summary(reduced), reduced.call.participants.map((p) => p.phoneNumber)]).toEqual([
      ['ParticipantsUpdated', id, 'Established'],
      ['5001'],
    ]);
  });

  it('cancels a consultation (Hangup consult, Retrieve parent) and swaps calls', async () => {
    const { sim, next, id } = await answeredCall(transport);
    await operate(sim, id, 'InitiateTransfer', { destination: { phoneNumber: '5001' } });
    await next();
    const consult = (await next()).call;
    await operate(sim, consult.id, 'SwapCalls', { otherCallUri: consult.parentCallUri });
    expect([summary(await next()), summary(await next())]).toEqual([
      ['StatusChange', id, 'Established'],
      ['StatusChange', consult.id, 'Held'],
    ]);
    await operate(sim, consult.id, 'Hangup');
    const hungUp = await next();
    expect(summary(hungUp)).toEqual(['StatusChange', consult.id, 'Released']);
    // The parent loses SwapCalls/CompleteTransfer with its held partner gone, and says so.
    const parent = await next();
    expect([summary(parent), parent.call.capabilities]).toEqual([
      ['StatusChange', id, 'Established'],
      [...CAPABILITIES.established],
    ]);
  });

  it('sends DTMF and changes attached data without changing the state', async () => {
    const { sim, next, id } = await answeredCall(transport);
    await operate(sim, id, 'SendDtmf', { digits: '1234' });
    expect(summary(await next())).toEqual(['DtmfSent', id, 'Established']);
    await operate(sim, id, 'AttachUserData', { userData: { AccountNumber: '12345' } });
    const attached = await next();
    expect([attached.notificationType, (attached.call as { userData?: unknown }).userData]).toEqual([
      'AttachedDataChanged',
      { AccountNumber: '12345' },
    ]);
    await operate(sim, id, 'DeleteUserDataPair', { key: 'AccountNumber' });
    expect('userData' in (await next()).call).toBe(false);
  });

  it('answers bad requests with errors and publishes nothing for them', async () => {
    const { sim, client, next, id } = await answeredCall(transport);
    const bad: Array<[string, unknown, number]> = [
      [id, '{not json', 1],
      [id, { operationName: 'Teleport' }, 2],
      [id, { operationName: 'Answer' }, 2],
      [id, { operationName: 'InitiateTransfer' }, 1],
      ['NO-SUCH-CALL', { operationName: 'Hangup' }, 6],
    ];
    for (const [callId, body, statusCode] of bad) {
      const reply = await request(`${sim.url}/api/v2/me/calls/${callId}`, { body });
      expect(reply.body.statusCode, JSON.stringify(body)).toBe(statusCode);
    }
    // The next notification is the one of the next good request: the refused ones sent none.
    const before = client.received.length;
    await operate(sim, id, 'Hold');
    expect(summary(await next())).toEqual(['StatusChange', id, 'Held']);
    expect(client.received.length).toBe(before + 1);
  });

  it('lets the far end hang up: the call is Released', async () => {
    const { sim, next, id } = await answeredCall(transport);
    expect((await request(`${sim.url}/sim/calls/${id}/hangup`, { body: {} })).body).toEqual({
      id,
      state: 'Released',
    });
    expect(summary(await next())).toEqual(['StatusChange', id, 'Released']);
  });
});

describe.each(TRANSPORTS)('asynchronous failures over CometD (%s)', (transport) => {
  it('publishes an ErrorMessage about a call when the control API asks, and leaves the call as it was', async () => {
    const { sim, client, id } = await answeredCall(transport);
    const reply = await request(`${sim.url}/sim/calls/${id}/error`, {
      body: { errorCode: 4, errorMessage: 'Call rejected' },
    });
    expect(reply.status).toBe(200);
    const error = await client.next('/v2/me/calls');
    expect(error.data).toEqual({
      messageType: 'ErrorMessage',
      errorCode: 4,
      errorMessage: 'Call rejected',
      callUri: `${sim.url}/api/v2/me/calls/${id}`,
    });
    const call = await request<{ call: { state: string } }>(`${sim.url}/api/v2/me/calls/${id}`);
    expect(call.body.call.state).toBe('Established');
    const bad = await request(`${sim.url}/sim/calls/${id}/error`, { body: { errorCode: 'four' } });
    expect([bad.status, bad.body.error]).toEqual([400, 'VCR_SIM_BAD_REQUEST']);
  });
});
