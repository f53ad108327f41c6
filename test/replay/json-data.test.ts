import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalText,
  dataDifferences,
  type JsonValue,
  normaliseData,
  parseIgnoreFields,
} from '../../src/replay/json-data.js';

const shuffleKeys = (value: JsonValue): JsonValue => {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value).reverse()) out[key] = shuffleKeys(value[key] as JsonValue);
  return out;
};

describe('json data comparison', () => {
  it('gives the same canonical text whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const v = value as JsonValue;
        expect(canonicalText(normaliseData(shuffleKeys(v)))).toBe(canonicalText(normaliseData(v)));
      }),
    );
  });

  it('keeps array order significant', () => {
    expect(canonicalText(normaliseData([1, 2]))).not.toBe(canonicalText(normaliseData([2, 1])));
  });

  it('drops ignored key names at any depth and ignored dotted paths from the root only', () => {
    const ignore = parseIgnoreFields(['referenceId', 'userData.stamp']);
    const value = normaliseData(
      { referenceId: 1, a: { referenceId: 2, stamp: 3 }, userData: { stamp: 4, keep: 5 } },
      ignore,
    );
    expect(value).toEqual({ a: { stamp: 3 }, userData: { keep: 5 } });
  });

  it('names each differing field with the recorded and the live value', () => {
    const differences = dataDifferences(
      normaliseData({ operationName: 'Answer', destination: { phoneNumber: '5001' }, gone: 1 }),
      normaliseData({ operationName: 'Hold', destination: { phoneNumber: '5001' }, extra: true }),
      'body',
    );
    expect(differences).toEqual([
      'body.gone: recorded 1, missing here',
      'body.operationName: recorded "Answer", got "Hold"',
      'body.extra: not in the recording (got true)',
    ]);
  });
});
