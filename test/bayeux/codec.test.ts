// Reading Bayeux bodies and frames: arrays or one object; anything else is a reason, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../src/bayeux/codec.js';
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
    ['', /empty body/, false],
    ['   ', /empty body/, false],
    ['{not json', /not JSON/, false],
    ['42', /message 0 is not an object/, true],
    ['"text"', /message 0 is not an object/, true],
    ['null', /message 0 is not an object/, true],
    ['[]', /empty array/, true],
    ['[1]', /message 0 is not an object/, true],
    ['[[]]', /message 0 is not an object/, true],
    ['[{}]', /message 0 has no string channel/, true],
    ['[{"channel":"/a"},{"channel":7}]', /message 1 has no string channel/, true],
  ])('refuses %j with a reason, saying whether it was JSON at all', (text, reason, isJson) => {
    const result = parseBayeuxBody(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
    if (!result.ok) expect(result.isJson).toBe(isJson);
  });

  it('refuses JSON nested deeper than MAX_NESTING (a peer could crash whoever re-encodes it), strings aside', () => {
    const nested = (levels: number) =>
      `[{"channel":"/a","data":${'['.repeat(levels - 2)}${']'.repeat(levels - 2)}}]`;
    const deepest = parseBayeuxBody(nested(MAX_NESTING));
    expect(deepest.ok).toBe(true);
    // the message can be written out again: what the refusal protects
    if (deepest.ok) expect(JSON.stringify(deepest.messages)).toBe(nested(MAX_NESTING));
    const tooDeep = parseBayeuxBody(nested(MAX_NESTING + 1));
    expect(tooDeep).toEqual({
      ok: false,
      reason: expect.stringContaining(`nested deeper than ${MAX_NESTING}`),
      isJson: true,
    });
    expect(parseBayeuxBody(nested(100_000)).ok).toBe(false);
    // brackets inside strings, escaped quotes included, are text, not nesting
    const text = `[{"channel":"/a","data":"\\"${'['.repeat(5000)}"}]`;
    expect(parseBayeuxBody(text).ok).toBe(true);
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
