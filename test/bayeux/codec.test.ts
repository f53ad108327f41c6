// Reading Bayeux bodies and frames: arrays or one object; anything else is a reason, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBayeuxBody } from '../../src/bayeux/index.js';

describe('parseBayeuxBody', () => {
  it('reads an array of messages and keeps unknown fields', () => {
    const text = JSON.stringify([{ channel: '/meta/connect', id: '3', clientId: 'x', custom: { a: 1 } }]);
    expect(parseBayeuxBody(text)).toEqual({
      ok: true,
      messages: [{ channel: '/meta/connect', id: '3', clientId: 'x', custom: { a: 1 } }],
    });
  });

  it('reads a single message object as a batch of one', () => {
    expect(parseBayeuxBody('{"channel":"/a","data":1}')).toEqual({
      ok: true,
      messages: [{ channel: '/a', data: 1 }],
    });
  });

  it.each([
    ['', /empty body/],
    ['   ', /empty body/],
    ['{not json', /not JSON/],
    ['42', /message 0 is not an object/],
    ['"text"', /message 0 is not an object/],
    ['null', /message 0 is not an object/],
    ['[]', /empty array/],
    ['[1]', /message 0 is not an object/],
    ['[[]]', /message 0 is not an object/],
    ['[{}]', /message 0 has no string channel/],
    ['[{"channel":"/a"},{"channel":7}]', /message 1 has no string channel/],
  ])('refuses %j with a reason', (text, reason) => {
    const result = parseBayeuxBody(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const result = parseBayeuxBody(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
