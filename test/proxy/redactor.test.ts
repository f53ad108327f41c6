import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/proxy/redact.js';
import { Redactor } from '../../src/proxy/redactor.js';

describe('Redactor', () => {
  it('learns the header X-CSRF-HEADER names and redacts it from then on (GWS-NOTES §2)', () => {
    const redactor = new Redactor();
    expect(redactor.headers([['X-My-Token', 'tok-123456789']]).isRedacted).toBe(false);
    redactor.learnFromResponse([
      ['X-CSRF-HEADER', 'X-My-Token'],
      ['X-My-Token', 'tok-123456789'],
    ]);
    const { headers } = redactor.headers([['x-my-token', 'tok-123456789']]);
    expect(headers).toEqual([['x-my-token', REDACTED]]);
  });

  it('scrubs a header secret from later bodies, paths and queries', () => {
    const redactor = new Redactor();
    redactor.headers([['Cookie', 'JSESSIONID=0123456789abcdef']]);
    const body = redactor.bytes(Buffer.from('{"session":"0123456789abcdef"}'), false);
    expect(body.data?.toString()).toBe(`{"session":"${REDACTED}"}`);
    expect(body.isRedacted).toBe(true);
    expect(redactor.text('jsessionid=0123456789abcdef').text).toBe(`jsessionid=${REDACTED}`);
  });

  it('redacts secret JSON keys, the secret header names included, re-serializing only then', () => {
    const redactor = new Redactor({ jsonKeys: ['apiKey'] });
    const plain = Buffer.from('{ "statusCode": 0 }');
    expect(redactor.bytes(plain, true).data).toBe(plain);
    const out = redactor.bytes(Buffer.from('{"apikey":"k","ext":{"authorization":"Basic abc"}}'), true);
    expect(JSON.parse(out.data?.toString() ?? '')).toEqual({
      apikey: REDACTED,
      ext: { authorization: REDACTED },
    });
  });

  it('redacts a secret key spelled with JSON escapes, in bodies and Bayeux messages', () => {
    const redactor = new Redactor();
    const body = '{"p\\u0061ssword":"hunter2-secret"}';
    const out = redactor.bytes(Buffer.from(body), true);
    expect(out.data?.toString()).not.toContain('hunter2-secret');
    expect(out.isRedacted).toBe(true);
    const messages = redactor.json(JSON.parse(`[{"channel":"/meta/handshake","ext":${body}}]`), body);
    expect(JSON.stringify(messages.value)).not.toContain('hunter2-secret');
  });

  it('adds headers given in options', () => {
    const redactor = new Redactor({ headers: ['X-Api-Key'] });
    expect(redactor.headers([['x-api-key', 'k']]).headers).toEqual([['x-api-key', REDACTED]]);
  });

  it('keeps everything with keepSecrets', () => {
    const redactor = new Redactor({ keepSecrets: true });
    const headers: Array<[string, string]> = [['Authorization', 'Basic abc']];
    expect(redactor.headers(headers).headers).toBe(headers);
    expect(redactor.json({ password: 'p' }).value).toEqual({ password: 'p' });
  });

  it('leaves a body that only mentions a key, and is not JSON, as it is', () => {
    const redactor = new Redactor();
    const data = Buffer.from('"password" is not json {');
    expect(redactor.bytes(data, true).data?.toString()).toBe('"password" is not json {');
  });

  it('redacts secret keys in JSON cut short by the body limit, an unterminated value included', () => {
    const redactor = new Redactor({ jsonKeys: ['apiToken'] });
    const cut = redactor.bytes(
      Buffer.from('{"a":1,"Password": "hunter2-long", "x":[{"apiToken":"tok-secr'),
      true,
    );
    expect(cut.data?.toString()).toBe(`{"a":1,"Password": "${REDACTED}", "x":[{"apiToken":"${REDACTED}"`);
    expect(cut.isRedacted).toBe(true);
    expect(redactor.bytes(Buffer.from('{"password":12345,"b":'), true).data?.toString()).toBe(
      `{"password":"${REDACTED}","b":`,
    );
    // a key spelled with \u escapes, either case of letter and hex digit
    const escaped = redactor.bytes(Buffer.from('{"p\\u0061ssw\\u004Frd":"hunter2-long","b":[1,'), true);
    expect(escaped.data?.toString()).toBe(`{"p\\u0061ssw\\u004Frd":"${REDACTED}","b":[1,`);
  });
});
