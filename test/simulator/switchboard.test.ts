import { describe, expect, it } from 'vitest';
import { CALL_KEY_ORDER, CAPABILITIES, type Call, type CallStateChangeMessage } from '../../src/gws/index.js';
import type { Notification } from '../../src/simulator/notifications.js';
import type { Outcome, RingRequest, Switchboard } from '../../src/simulator/switchboard.js';
import { seedNotifications } from '../helpers/seed.js';
import { makeSwitchboard } from '../helpers/simulator-fixtures.js';

const seed = seedNotifications();
const dataOf = (notifications: Notification[]): CallStateChangeMessage[] =>
  notifications.map((n) => n.data as CallStateChangeMessage);

const expectAccepted = (outcome: Outcome): Outcome => {
  expect(outcome.response).toEqual({ statusCode: 0 });
  return outcome;
};

/** `board.ring`, which must succeed. */
const ringOk = (board: Switchboard, request: RingRequest) => {
  const ring = board.ring(request);
  if (!ring.ok) throw new Error(ring.message);
  return ring;
};

/** A switchboard whose default agent 5005 has answered call `a` from 5000. */
const answeredCall = (options?: Parameters<typeof makeSwitchboard>[0]) => {
  const fixture = makeSwitchboard(options);
  const me = fixture.agents.default;
  const a = ringOk(fixture.board, { to: '5005', from: '5000' }).call.id;
  expectAccepted(fixture.board.callOperation(me, a, 'Answer', {}));
  return { ...fixture, me, a };
};

/** InitiateTransfer or InitiateConference from `a` to 5001; the consult call as its Dialing notification shows it. */
const startConsult = (
  { board, me, a }: ReturnType<typeof answeredCall>,
  operationName: 'InitiateTransfer' | 'InitiateConference',
): Call => {
  const initiate = board.callOperation(me, a, operationName, { destination: { phoneNumber: '5001' } });
  const consult = dataOf(expectAccepted(initiate).notifications)[1]?.call;
  expect([consult?.callType, consult?.state]).toEqual(['Consult', 'Dialing']);
  return consult as Call;
};

describe('switchboard', () => {
  it('reproduces seed Sample 2 (two-step transfer) byte for byte, ids and durations included', () => {
    const { board, agents, clock } = makeSwitchboard({
      ids: { uuidPrefix: '011DJV5JI898NB2L04000VT', firstCounter: 5, firstConnId: '007102385535e005' },
    });
    const agent = agents.default;
    const sent: Notification[] = [];
    const ring = ringOk(board, { to: '5005', from: '5000' });
    sent.push(...ring.notifications);
    const a = ring.call.id;
    clock.advanceSeconds(10);
    const answer = board.callOperation(agent, a, 'Answer', {});
    expectAccepted(answer);
    sent.push(...answer.notifications);
    clock.advanceSeconds(26);
    const initiate = board.callOperation(agent, a, 'InitiateTransfer', {
      destination: { phoneNumber: '5001' },
    });
    expectAccepted(initiate);
    sent.push(...initiate.notifications);
    const consultId = dataOf(initiate.notifications)[1]?.call.id ?? '';
    clock.advanceSeconds(12);
    const complete = board.callOperation(agent, consultId, 'CompleteTransfer', {});
    expectAccepted(complete);
    sent.push(...complete.notifications);

    const expected = seed.filter((n) => n.sample === 'Sample 2');
    expect(sent.map((n) => n.channel)).toEqual(expected.map((n) => n.channel));
    expect(sent.map((n) => n.principal)).toEqual(expected.map(() => '5005'));
    expect(sent.map((n) => JSON.stringify(n.data))).toEqual(expected.map((n) => JSON.stringify(n.data)));
  });

  it('reproduces seed Sample 1 (agent 15000 dials, transfers, completes) byte for byte', () => {
    const { board, agents, clock } = makeSwitchboard({
      ids: { uuidPrefix: '01RCC3N118B1V0SL8O7GK2L', firstCounter: 22, firstConnId: '0071027198180016' },
    });
    const agent = agents.byPhoneNumber('15000');
    if (agent === undefined) throw new Error('no agent 15000');
    const dial = board.dial(agent, agent.deviceId, 'Dial', { destination: { phoneNumber: '15001' } });
    expectAccepted(dial);
    const parentId = dataOf(dial.notifications)[0]?.call.id ?? '';
    expect(board.remoteAnswer(parentId).ok).toBe(true);
    clock.advanceSeconds(43);
    const initiate = board.callOperation(agent, parentId, 'InitiateTransfer', {
      destination: { phoneNumber: '15002' },
    });
    expectAccepted(initiate);
    const consultId = dataOf(initiate.notifications)[1]?.call.id ?? '';
    expect(board.remoteAnswer(consultId).ok).toBe(true);
    clock.advanceSeconds(237);
    const complete = board.callOperation(agent, consultId, 'CompleteTransfer', {});
    expectAccepted(complete);
    const expected = seed.filter((n) => n.sample === 'Sample 1');
    expect(complete.notifications.map((n) => JSON.stringify(n.data))).toEqual(
      expected.map((n) => JSON.stringify(n.data)),
    );
  });

  it('orders the keys the seed never shows together (ani, userData, monitoring) as CALL_KEY_ORDER does', () => {
    const { board } = makeSwitchboard();
    const ring = ringOk(board, { to: '15000', from: '+33123456789', userData: { Tier: 'gold' } });
    const keys = Object.keys(dataOf(ring.notifications)[0]?.call ?? {});
    expect(keys).toEqual(expect.arrayContaining(['ani', 'userData', 'monitoring']));
    expect(keys).toEqual(CALL_KEY_ORDER.filter((k) => keys.includes(k)));
  });

  it('refuses an operation the capabilities do not allow, and changes nothing', () => {
    const { board, agents } = makeSwitchboard();
    const ring = ringOk(board, { to: '5005', from: '5000' });
    const before = JSON.stringify(board.callsOf(agents.default));
    const hold = board.callOperation(agents.default, ring.call.id, 'Hold', {});
    expect(hold).toEqual({
      response: { statusCode: 2, statusMessage: 'Hold is not valid for the current state' },
      notifications: [],
    });
    expect(JSON.stringify(board.callsOf(agents.default))).toBe(before);
  });

  it('refuses an unknown operation, an unknown call and a missing parameter with GWS status codes', () => {
    const { board, agents } = makeSwitchboard();
    const ring = ringOk(board, { to: '5005', from: '5000' });
    const me = agents.default;
    expect(board.callOperation(me, ring.call.id, 'Frobnicate', {}).response.statusCode).toBe(2);
    expect(board.callOperation(me, 'NOPE', 'Answer', {}).response).toEqual({
      statusCode: 6,
      statusMessage: 'Call NOPE does not exist',
    });
    expectAccepted(board.callOperation(me, ring.call.id, 'Answer', {}));
    const before = JSON.stringify(board.callsOf(me));
    const transfer = board.callOperation(me, ring.call.id, 'InitiateTransfer', {});
    expect(transfer.response).toEqual({
      statusCode: 1,
      statusMessage: "Required parameter 'destination' is missing",
    });
    expect(transfer.notifications).toEqual([]);
    expect(JSON.stringify(board.callsOf(me))).toBe(before);
  });

  it("does not let an agent operate another agent's call", () => {
    const { board, agents } = makeSwitchboard();
    const ring = ringOk(board, { to: '5001', from: '5000' });
    expect(board.callOperation(agents.default, ring.call.id, 'Answer', {}).response.statusCode).toBe(6);
  });

  it('cancels a consultation: Hangup on the consult releases it and leaves the parent Held; Retrieve re-establishes', () => {
    const answered = answeredCall();
    const { board, me, a } = answered;
    const b = startConsult(answered, 'InitiateTransfer').id;
    const hangup = dataOf(board.callOperation(me, b, 'Hangup', {}).notifications);
    expect(hangup.map((d) => [d.call.id, d.call.state, d.call.capabilities])).toEqual([[b, 'Released', []]]);
    expect(board.callOf(me, a)?.capabilities).toEqual([...CAPABILITIES.held]);
    const retrieve = dataOf(board.callOperation(me, a, 'Retrieve', {}).notifications);
    expect(retrieve.map((d) => [d.call.id, d.call.state, d.call.capabilities])).toEqual([
      [a, 'Established', [...CAPABILITIES.established]],
    ]);
    expect(board.callOf(me, b)).toBeUndefined();
  });

  it('swaps calls: the held one is Established first, then the other Held', () => {
    const answered = answeredCall();
    const { board, me, a, model } = answered;
    const consult = startConsult(answered, 'InitiateTransfer');
    const swap = board.callOperation(me, consult.id, 'SwapCalls', { otherCallUri: consult.parentCallUri });
    expectAccepted(swap);
    expect(dataOf(swap.notifications).map((d) => [d.call.id, d.call.state])).toEqual([
      [a, 'Established'],
      [consult.id, 'Held'],
    ]);
    expect(dataOf(swap.notifications)[0]?.call.capabilities).toEqual([
      ...CAPABILITIES.established,
      ...CAPABILITIES.withHeldCall,
    ]);
    expect(model.liveCalls(me)).toHaveLength(2);
  });

  it('completes a conference: consult Released with parentCallPath, then the parent gains the party', () => {
    const answered = answeredCall();
    const { board, me, a } = answered;
    const consult = startConsult(answered, 'InitiateConference');
    expect(consult.capabilities).toContain('CompleteConference');
    expect(consult.capabilities).not.toContain('CompleteTransfer');
    const complete = dataOf(board.callOperation(me, consult.id, 'CompleteConference', {}).notifications);
    expect(complete.map((d) => [d.notificationType, d.call.id, d.call.state])).toEqual([
      ['StatusChange', consult.id, 'Released'],
      ['ParticipantsUpdated', a, 'Established'],
    ]);
    expect(complete[0]?.call.parentCallPath).toBe(`/calls/${a}`);
    expect(Object.keys(complete[0]?.call ?? {}).slice(-3)).toEqual(['uri', 'path', 'parentCallPath']);
    expect(complete[1]?.call.participants.map((p) => p.phoneNumber)).toEqual(['5000', '5001']);
    expect(complete[1]?.call.capabilities).toContain('RemoveParticipantFromConference');
    const removed = dataOf(
      board.callOperation(me, a, 'RemoveParticipantFromConference', { participant: '5001' }).notifications,
    );
    expect(removed[0]?.call.participants.map((p) => p.phoneNumber)).toEqual(['5000']);
    expect(removed[0]?.call.capabilities).toEqual([...CAPABILITIES.established]);
  });

  it('keeps attached data: attach, update, delete a pair, delete all (key absent afterwards)', () => {
    const { board, agents } = makeSwitchboard();
    const me = agents.default;
    const a = ringOk(board, { to: '5005', from: '5000' }).call.id;
    const step = (op: string, body: Record<string, unknown>) => {
      const [data] = dataOf(board.callOperation(me, a, op, body).notifications);
      expect(data?.notificationType).toBe('AttachedDataChanged');
      return data?.call;
    };
    expect(step('AttachUserData', { userData: { AccountNumber: '12345', Tier: 2 } })?.userData).toEqual({
      AccountNumber: '12345',
      Tier: 2,
    });
    expect(step('UpdateUserData', { userData: { Tier: 'gold' } })?.userData).toEqual({
      AccountNumber: '12345',
      Tier: 'gold',
    });
    const keys = Object.keys(step('DeleteUserDataPair', { key: 'Tier' }) ?? {});
    expect(keys.indexOf('userData')).toBe(keys.indexOf('capabilities') + 1);
    expect('userData' in (step('DeleteUserData', {}) ?? {})).toBe(false);
    expect(
      board.callOperation(me, a, 'AttachUserData', { userData: { bad: { nested: 1 } } }).response.statusCode,
    ).toBe(10);
  });

  it('single-step transfer releases the call; DTMF keeps its state; mute toggles where enabled', () => {
    const { board, agents } = makeSwitchboard({ agents: [{ phoneNumber: '5005', canMute: true }] });
    const me = agents.default;
    const a = ringOk(board, { to: '5005', from: '5000' }).call.id;
    const [answered] = dataOf(board.callOperation(me, a, 'Answer', {}).notifications);
    expect(answered?.call.capabilities).toEqual([...CAPABILITIES.established, 'MuteCall']);
    const [dtmf] = dataOf(board.callOperation(me, a, 'SendDtmf', { digits: '12#' }).notifications);
    expect([dtmf?.notificationType, dtmf?.call.state]).toEqual(['DtmfSent', 'Established']);
    expect(board.callOperation(me, a, 'SendDtmf', { digits: 'abc' }).response.statusCode).toBe(10);
    const [muted] = dataOf(board.callOperation(me, a, 'MuteCall', {}).notifications);
    expect([muted?.call.mute, muted?.call.capabilities.at(-1)]).toEqual(['On', 'UnmuteCall']);
    const [unmuted] = dataOf(board.callOperation(me, a, 'UnmuteCall', {}).notifications);
    expect(unmuted?.call.mute).toBe('Off');
    const sst = dataOf(
      board.callOperation(me, a, 'SingleStepTransfer', { destination: { phoneNumber: '5001' } })
        .notifications,
    );
    expect(sst.map((d) => [d.call.state, d.call.capabilities])).toEqual([['Released', []]]);
    expect(board.callsOf(me)).toEqual([]);
  });

  it('rejects a queue-delivered call; a plain ringing call cannot be rejected', () => {
    const { board, agents } = makeSwitchboard();
    const me = agents.default;
    const plain = ringOk(board, { to: '5005', from: '5000' });
    const queued = ringOk(board, { to: '5005', from: '5002', isQueued: true });
    expect(dataOf(queued.notifications)[0]?.call.capabilities).toEqual([...CAPABILITIES.ringing, 'Reject']);
    expect(board.callOperation(me, plain.call.id, 'Reject', {}).response.statusCode).toBe(2);
    const [rejected] = dataOf(board.callOperation(me, queued.call.id, 'Reject', {}).notifications);
    expect(rejected?.call.state).toBe('Released');
  });

  it('changes agent state and DND with a DeviceStateChangeMessage', () => {
    const { board, agents } = makeSwitchboard();
    const me = agents.default;
    const ready = board.agentState(me, 'Ready');
    expect(ready.response).toEqual({ statusCode: 0 });
    expect(ready.notifications[0]?.channel).toBe('/v2/me/devices');
    expect(ready.notifications[0]?.data).toMatchObject({
      messageType: 'DeviceStateChangeMessage',
      devices: [
        { id: me.deviceId, phoneNumber: '5005', userState: { displayName: 'Ready', state: 'Ready' } },
      ],
    });
    const acw = board.agentState(me, 'AfterCallWork').notifications[0]?.data;
    expect(acw).toMatchObject({ devices: [{ userState: { state: 'NotReady', workMode: 'AfterCallWork' } }] });
    expect(board.agentState(me, 'Dance').response.statusCode).toBe(2);
    const dnd = board.deviceOperation(me, me.deviceId, 'DoNotDisturbOn').notifications[0]?.data;
    expect(dnd).toMatchObject({
      devices: [{ doNotDisturb: 'On', capabilities: ['ForwardCallsOn', 'DoNotDisturbOff'] }],
    });
    expect(board.deviceOperation(me, me.deviceId, 'DoNotDisturbOn').response.statusCode).toBe(2);
    expect(board.ring({ to: '5005', from: '5000' })).toMatchObject({ ok: false, status: 409 });
  });
});
