import { describe, expect, it } from 'vitest';
import { canMove, moveTo } from '../../src/simulator/call-model.js';
import { createRingingCall, createTransferConsult, makeSwitchboard } from '../helpers/simulator-fixtures.js';

describe('call model', () => {
  it('allows only the state moves a call can make; Released is final', () => {
    expect(canMove('Ringing', 'Established')).toBe(true);
    expect(canMove('Ringing', 'Held')).toBe(false);
    expect(canMove('Released', 'Established')).toBe(false);
    const { model, agents } = makeSwitchboard();
    const call = createRingingCall(model, agents.default);
    expect(() => moveTo(call, 'Held')).toThrow(/cannot go from Ringing to Held/);
    moveTo(call, 'Released');
    expect(call.state).toBe('Released');
  });

  it('links a consult to its parent, unlinks it once released, and forgets released calls', () => {
    const { model, agents } = makeSwitchboard();
    const me = agents.default;
    const parent = createRingingCall(model, me);
    const consult = createTransferConsult(model, me, parent);
    expect(model.consultOf(parent)).toBe(consult);
    expect(model.related(consult)).toBe(parent);
    moveTo(consult, 'Released');
    model.forgetReleased();
    expect(model.consultOf(parent)).toBeUndefined();
    expect(model.find(consult.id)).toBeUndefined();
    expect(model.liveCalls(me)).toEqual([parent]);
  });

  it('counts duration in whole seconds since the call appeared', () => {
    const { model, agents, clock } = makeSwitchboard();
    const call = createRingingCall(model, agents.default);
    clock.advanceSeconds(9.999);
    expect(model.durationSeconds(call)).toBe(9);
    clock.advanceSeconds(0.001);
    expect(model.durationSeconds(call)).toBe(10);
  });

  it('keeps calls per agent: another agent\'s call is not found as "own"', () => {
    const { model, agents } = makeSwitchboard();
    const other = agents.byPhoneNumber('5001');
    if (other === undefined) throw new Error('no 5001');
    const call = createRingingCall(model, other, '5001');
    expect(model.findOwn(agents.default, call.id)).toBeUndefined();
    expect(model.findOwn(other, call.id)).toBe(call);
  });
});
