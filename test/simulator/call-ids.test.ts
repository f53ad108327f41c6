import { describe, expect, it } from 'vitest';
import { createCallIds } from '../../src/simulator/call-ids.js';

describe('call ids', () => {
  it('continues the seed: AES counter in base32hex, connId +1 in lowercase hex', () => {
    const ids = createCallIds({
      uuidPrefix: '01RCC3N118B1V0SL8O7GK2L',
      firstCounter: 22,
      firstConnId: '0071027198180016',
    });
    expect([ids.next(), ids.next()]).toEqual([
      { id: '01RCC3N118B1V0SL8O7GK2LAES00000M', connId: '0071027198180016' },
      { id: '01RCC3N118B1V0SL8O7GK2LAES00000N', connId: '0071027198180017' },
    ]);
  });

  it('carries the connId over a hex digit boundary and the counter over a base32 one', () => {
    const ids = createCallIds({
      uuidPrefix: '011DJV5JI898NB2L04000VT',
      firstCounter: 31,
      firstConnId: '007102385535e00f',
    });
    ids.next();
    expect(ids.next()).toEqual({ id: '011DJV5JI898NB2L04000VTAES000010', connId: '007102385535e010' });
  });

  it('makes a random per-run prefix in the seed format, the same for every call of the run', () => {
    const ids = createCallIds();
    const first = ids.next();
    const second = ids.next();
    expect(first.id).toMatch(/^01[0-9A-V]{21}AES000001$/);
    expect(second.id.slice(0, 23)).toBe(first.id.slice(0, 23));
    expect(first.connId).toMatch(/^0071[0-9a-f]{12}$/);
    expect(createCallIds().next().id.slice(0, 23)).not.toBe(first.id.slice(0, 23));
  });

  it('refuses a prefix or connId that is not in GWS format', () => {
    expect(() => createCallIds({ uuidPrefix: 'abc' })).toThrow(/23 chars of 0-9A-V/);
    expect(() => createCallIds({ firstConnId: 'XYZ' })).toThrow(/16 lowercase hex/);
  });
});
