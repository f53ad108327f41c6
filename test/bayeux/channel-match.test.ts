// Channel names and wildcard patterns, Bayeux 1.0 §2.2.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelMatches, isValidChannel } from '../../src/bayeux/index.js';

describe('channelMatches', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/c', false],
    ['/a/*', '/a/b', true],
    ['/a/*', '/a/b/c', false],
    ['/a/*', '/a', false],
    ['/a/*', '/ab/c', false],
    ['/a/**', '/a/b', true],
    ['/a/**', '/a/b/c/d', true],
    ['/a/**', '/a', false],
    ['/a/**', '/ab/c', false],
    ['/**', '/anything/at/all', true],
    ['/*', '/one', true],
    ['/*', '/one/two', false],
    ['/v2/me/*', '/v2/me/calls', true],
  ])('%s covers %s: %s', (pattern, channel, expected) => {
    expect(channelMatches(pattern, channel)).toBe(expected);
  });

  const segment = fc.stringMatching(/^[a-z0-9]{1,5}$/);
  const channel = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);

  it('/** under a channel covers every channel below it and none elsewhere', () => {
    fc.assert(
      fc.property(channel, channel, (base, tail) => {
        expect(channelMatches(`${base}/**`, `${base}${tail}`)).toBe(true);
        expect(channelMatches(`${base}/**`, base)).toBe(false);
      }),
    );
  });

  it('/* covers exactly the channels one segment below', () => {
    fc.assert(
      fc.property(channel, segment, segment, (base, one, two) => {
        expect(channelMatches(`${base}/*`, `${base}/${one}`)).toBe(true);
        expect(channelMatches(`${base}/*`, `${base}/${one}/${two}`)).toBe(false);
      }),
    );
  });
});

describe('isValidChannel', () => {
  it.each([
    ['/a', true],
    ['/a/b/c', true],
    ['/a/*', true],
    ['/a/**', true],
    ['', false],
    ['a/b', false],
    ['/', false],
    ['/a//b', false],
    ['/a/', false],
    ['/a/*/b', false],
    ['/a/b*', false],
    ['/a/***', false],
  ])('%s: %s', (name, expected) => {
    expect(isValidChannel(name)).toBe(expected);
  });
});
