import { describe, expect, it } from 'vitest';
import { BodyCapture, capPayload } from '../../src/proxy/body-capture.js';

describe('BodyCapture', () => {
  it('keeps every byte of a body under the limit', () => {
    const capture = new BodyCapture(10);
    capture.add(Buffer.from('abc'));
    capture.add(Buffer.from('def'));
    expect(capture.body()?.toString()).toBe('abcdef');
    expect(capture.bytes).toBe(6);
    expect(capture.isTruncated).toBe(false);
  });

  it('keeps the first maxBytes of a longer body and counts all of it', () => {
    const capture = new BodyCapture(4);
    capture.add(Buffer.from('abc'));
    capture.add(Buffer.from('defgh'));
    capture.add(Buffer.from('ij'));
    expect(capture.body()?.toString()).toBe('abcd');
    expect(capture.bytes).toBe(10);
    expect(capture.isTruncated).toBe(true);
  });

  it('says null for an empty body', () => {
    expect(new BodyCapture(4).body()).toBeNull();
  });
});

describe('capPayload', () => {
  it('cuts a payload at the limit and says so', () => {
    expect(capPayload(Buffer.from('abcdef'), 3).map(String)).toEqual(['abc', 'true']);
    expect(capPayload(Buffer.from('ab'), 3)[1]).toBe(false);
  });
});
