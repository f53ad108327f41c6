import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonKeyTest,
  REDACTED,
  redactHeaders,
  redactHeaderValue,
  redactJson,
  scrubCutSecret,
  scrubSecrets,
  secretsOf,
} from '../../src/proxy/redact.js';

const NAMES = new Set(['authorization', 'cookie', 'set-cookie', 'x-csrf-token']);
/** Secrets as servers make them (tokens, session ids, base64): long enough to mean something. */
const secret = fc.stringMatching(/^[A-Za-z0-9+/=_-]{8,40}$/).filter((s) => !REDACTED.includes(s));

describe('redactHeaderValue', () => {
  it('keeps the auth scheme, cookie names and Set-Cookie attributes, nothing secret', () => {
    expect(redactHeaderValue('Authorization', 'Basic YWdlbnQ6cGFzcw==')).toBe(`Basic ${REDACTED}`);
    expect(redactHeaderValue('Cookie', 'JSESSIONID=abc123; other=x')).toBe(
      `JSESSIONID=${REDACTED}; other=${REDACTED}`,
    );
    expect(redactHeaderValue('Set-Cookie', 'JSESSIONID=abc; Path=/; HttpOnly')).toBe(
      `JSESSIONID=${REDACTED}; Path=/; HttpOnly`,
    );
    expect(redactHeaderValue('X-CSRF-TOKEN', '4a92be65-ec55')).toBe(REDACTED);
  });

  it('never lets a secret survive, whatever header carries it and however it is written', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom(
          ['Authorization', (s: string) => `Basic ${s}`],
          ['authorization', (s: string) => `Bearer  ${s}`],
          ['AUTHORIZATION', (s: string) => s],
          ['Cookie', (s: string) => `JSESSIONID=${s}`],
          ['cookie', (s: string) => `a=1; JSESSIONID=${s}; b=2`],
          ['Set-Cookie', (s: string) => `JSESSIONID=${s}; Path=/; HttpOnly`],
          ['set-cookie', (s: string) => `id=${s}; Secure`],
          ['X-CSRF-Token', (s: string) => s],
        ) as fc.Arbitrary<[string, (s: string) => string]>,
        (value, [name, format]) => {
          const { headers, isRedacted } = redactHeaders(
            [
              ['Accept', 'application/json'],
              [name, format(value)],
            ],
            NAMES,
          );
          expect(isRedacted).toBe(true);
          expect(JSON.stringify(headers)).not.toContain(value);
          expect(headers[0]).toEqual(['Accept', 'application/json']);
        },
      ),
    );
  });

  it('redacts a nameless cookie (RFC 6265: the whole pair is its value) entirely', () => {
    expect(redactHeaderValue('Set-Cookie', 'tok3n-value; Path=/')).toBe(`${REDACTED}; Path=/`);
  });

  it('names the secret parts, so they can be scrubbed elsewhere', () => {
    expect(secretsOf('Authorization', 'Basic dG9rZW4=')).toContain('dG9rZW4=');
    expect(secretsOf('Cookie', 'a=one; JSESSIONID=two')).toEqual(['one', 'two']);
    expect(secretsOf('Set-Cookie', 'JSESSIONID=three; Path=/')).toEqual(['three']);
  });
});

describe('redactHeaders', () => {
  it('returns the very same list when nothing is secret', () => {
    const list: Array<[string, string]> = [['Content-Type', 'application/json']];
    expect(redactHeaders(list, NAMES).headers).toBe(list);
  });
});

describe('redactJson', () => {
  it('redacts a key at any depth and in any case, and copies only what changed', () => {
    const message = {
      channel: '/meta/handshake',
      ext: { Authorization: 'Basic x', nested: [{ password: 'p' }] },
      data: { a: 1 },
    };
    const result = redactJson(message, new Set(['authorization', 'password']));
    expect(result.isRedacted).toBe(true);
    expect(result.value).toEqual({
      channel: '/meta/handshake',
      ext: { Authorization: REDACTED, nested: [{ password: REDACTED }] },
      data: { a: 1 },
    });
    expect((result.value as typeof message).data).toBe(message.data);
    expect(message.ext.Authorization).toBe('Basic x');
  });

  it('never lets the value of a secret key survive', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        secret,
        fc.constantFrom('password', 'Authorization', 'x-csrf-token'),
        (value, s, key) => {
          const doc = { wrapper: [value, { [key]: s }] };
          expect(
            JSON.stringify(redactJson(doc, new Set(['password', 'authorization', 'x-csrf-token'])).value),
          ).not.toContain(s);
        },
      ),
    );
  });
});

describe('jsonKeyTest', () => {
  it('finds a key only where it stands quoted, in any case, its regex characters taken literally', () => {
    const test = jsonKeyTest(new Set(['password', 'x-csrf-token', 'a.b+c']));
    expect(test('{"user":{"PassWord":"x"}}')).toBe(true);
    expect(test('[{"X-CSRF-Token": 1}]')).toBe(true);
    expect(test('{"a.b+c":1}')).toBe(true);
    expect(test('{"aXbbc":1}')).toBe(false);
    expect(test('{"passwords":1,"note":"my password"}')).toBe(false);
    expect(jsonKeyTest(new Set())('{"password":1}')).toBe(false);
  });

  it('says yes to a text that may spell a key with JSON escapes, which only parsing reads', () => {
    const keys = new Set(['password']);
    const escaped = '{"user":{"p\\u0061ssw\\u006Frd":"hunter2"}}';
    expect(redactJson(JSON.parse(escaped), keys).isRedacted).toBe(true);
    expect(jsonKeyTest(keys)(escaped)).toBe(true);
  });

  it('never says no to a body in which redactJson redacts a key (Unicode spellings included)', () => {
    const keys = new Set(['password', 'cookie', 'x-csrf-token']);
    const test = jsonKeyTest(keys);
    // The Kelvin sign lower-cases to an ASCII k: "coo\u212Aie" is a cookie key to redactJson.
    const spelling = fc
      .constantFrom('password', 'cookie', 'x-csrf-token')
      .chain((key) =>
        fc
          .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
          .map((upper) =>
            [...key].map((c, i) => (upper[i] ? (c === 'k' ? '\u212A' : c.toUpperCase()) : c)).join(''),
          ),
      );
    fc.assert(
      fc.property(fc.jsonValue(), spelling, (value, key) => {
        const text = JSON.stringify({ wrapper: [value, { [key]: 'secret' }] });
        expect(redactJson(JSON.parse(text), keys).isRedacted).toBe(true);
        expect(test(text)).toBe(true);
      }),
    );
  });
});

describe('scrubCutSecret', () => {
  it('removes the start of a secret a cut left at the end, and nothing else', () => {
    const secrets = ['0123456789abcdef'];
    expect(scrubCutSecret(Buffer.from('{"sid":"0123456'), secrets).toString()).toBe(`{"sid":"${REDACTED}`);
    expect(scrubCutSecret(Buffer.from('{"n":"012'), secrets).toString()).toBe('{"n":"012');
    expect(scrubCutSecret(Buffer.from('{"n":"0123456789"}'), secrets).toString()).toBe('{"n":"0123456789"}');
  });
});

describe('scrubSecrets', () => {
  it('removes every occurrence of a known secret from bytes, multi-byte text around it intact', () => {
    const out = scrubSecrets(Buffer.from('é token=s3cr3t-value and s3cr3t-value ü'), ['s3cr3t-value']);
    expect(out.toString('utf8')).toBe(`é token=${REDACTED} and ${REDACTED} ü`);
  });

  it('returns the same buffer when no secret occurs', () => {
    const data = Buffer.from('{"statusCode":0}');
    expect(scrubSecrets(data, ['s3cr3t-value'])).toBe(data);
  });
});
