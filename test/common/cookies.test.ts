import { describe, expect, it } from 'vitest';
import { cookieValue } from '../../src/common/cookies.js';

describe('cookieValue', () => {
  it('reads one cookie out of a Cookie header, spaces around it trimmed', () => {
    expect(cookieValue('a=1; JSESSIONID=ABC ; b=2', 'JSESSIONID')).toBe('ABC');
    expect(cookieValue('JSESSIONID=', 'JSESSIONID')).toBe('');
    expect(cookieValue('t=a=b', 't')).toBe('a=b');
  });

  it('takes the first cookie of that name, and only a whole name', () => {
    expect(cookieValue('JSESSIONID=first; JSESSIONID=second', 'JSESSIONID')).toBe('first');
    expect(cookieValue('XJSESSIONID=1; JSESSIONIDX=2', 'JSESSIONID')).toBeUndefined();
    expect(cookieValue('=JSESSIONID; JSESSIONID', 'JSESSIONID')).toBeUndefined();
  });

  it('is undefined without a header or without that cookie', () => {
    expect(cookieValue('a=1', 'JSESSIONID')).toBeUndefined();
    expect(cookieValue('', 'JSESSIONID')).toBeUndefined();
    expect(cookieValue(undefined, 'JSESSIONID')).toBeUndefined();
  });
});
