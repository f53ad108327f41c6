import { describe, expect, it } from 'vitest';
import { type CallNotification, createCallModel } from '../../src/analysis/call-model.js';
import { readNotification } from '../../src/analysis/read-notification.js';
import { RecordingScript, type ScriptCall, SEED_CALL_A, SEED_CALL_B } from '../helpers/rows.js';

const asCall = (row: Parameters<typeof readNotification>[0]): CallNotification => {
  const n = readNotification(row);
  if (n?.kind !== 'call') throw new Error('test row is not a call notification');
  return n;
};

describe('call model', () => {
  it('keeps what a notification leaves out, but drops userData when it is gone (GWS omits it when empty)', () => {
    const script = new RecordingScript();
    const model = createCallModel();
    model.apply(
      asCall(script.notify(SEED_CALL_A, 'Established', 100, { callFields: { userData: { k: 'v' } } })),
    );
    const change = model.apply(
      asCall(
        script.notify(SEED_CALL_A, 'Established', 200, {
          callFields: { connId: undefined, dnis: undefined, capabilities: undefined },
        }),
      ),
    );
    expect(change).toMatchObject({ isNew: false, isStateChange: false, previousState: 'Established' });
    expect(change.call).toMatchObject({
      connId: SEED_CALL_A.connId,
      dnis: '5005',
      userData: null,
      notificationCount: 2,
    });
    expect(change.call.capabilities).toContain('Hold');
    expect(change.call.states).toHaveLength(1);
  });

  it('opens a span per state change and closes the previous one', () => {
    const script = new RecordingScript();
    const model = createCallModel();
    for (const [state, at] of [
      ['Ringing', 1],
      ['Established', 2],
      ['Established', 3],
      ['Released', 4],
    ] as const) {
      model.apply(asCall(script.notify(SEED_CALL_A, state, at)));
    }
    expect(model.get(SEED_CALL_A.id)?.states.map((s) => [s.state, s.atMs, s.endMs, s.messageRowId])).toEqual([
      ['Ringing', 1, 2, 1],
      ['Established', 2, 4, 2],
      ['Released', 4, null, 4],
    ]);
    expect(model.get(SEED_CALL_A.id)?.releasedAtMs).toBe(4);
  });

  it('remembers the latest consult of each parent, and shares identical capability lists', () => {
    const script = new RecordingScript();
    const model = createCallModel();
    const second: ScriptCall = { ...SEED_CALL_B, id: 'B2' };
    model.apply(asCall(script.notify(SEED_CALL_B, 'Dialing', 1)));
    model.apply(asCall(script.notify(second, 'Dialing', 2)));
    expect(model.latestChildOf(SEED_CALL_A.id)).toBe('B2');
    expect(model.latestChildOf('nobody')).toBeNull();
    expect(model.get('B2')?.capabilities).toBe(model.get(SEED_CALL_B.id)?.capabilities);
    expect(model.calls().map((c) => c.id)).toEqual([SEED_CALL_B.id, 'B2']);
  });
});
