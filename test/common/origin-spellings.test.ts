import { describe, expect, it } from 'vitest';
import { originSpellings } from '../../src/common/origin-spellings.js';

describe('originSpellings', () => {
  it('spells an http(s) origin as URL.origin does and with its default port written out, however given', () => {
    expect(originSpellings('https://GWS.example.com/api/v2')).toEqual([
      'https://gws.example.com',
      'https://gws.example.com:443',
    ]);
    expect(originSpellings('http://gws')).toEqual(['http://gws', 'http://gws:80']);
    expect(originSpellings('https://gws.example.com:443')).toEqual([
      'https://gws.example.com',
      'https://gws.example.com:443',
    ]);
  });

  it('spells an origin with another port one way, and leaves what is no http(s) origin as it is', () => {
    expect(originSpellings('http://127.0.0.1:8080')).toEqual(['http://127.0.0.1:8080']);
    expect(originSpellings('not a url')).toEqual(['not a url']);
  });
});
