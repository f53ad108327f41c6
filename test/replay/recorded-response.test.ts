import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { liveResponse } from '../../src/replay/recorded-response.js';
import { createOriginRewrite } from '../../src/replay/rewrite-origins.js';
import { exchangeRow } from '../helpers/store-rows.js';

const rewrite = createOriginRewrite(['http://up:8080'], 'http://127.0.0.1:9000');
const secrets = { sessionCookie: () => 'MINE', headerSecret: (name: string) => `secret-of-${name}` };

describe('recorded response', () => {
  it('keeps headers as recorded, mints secrets where they were redacted, drops connection headers', () => {
    const response = liveResponse(
      exchangeRow({
        id: 1,
        status: 201,
        responseHeaders: [
          ['Content-Type', 'application/json'],
          ['Set-Cookie', 'JSESSIONID=[REDACTED]; Path=/; HttpOnly'],
          ['Set-Cookie', 'lang=en; Path=/'],
          ['Set-Cookie', '[REDACTED]'],
          ['X-CSRF-TOKEN', '[REDACTED]'],
          ['Location', 'http://up:8080/api/v2/me/calls/A'],
          ['Transfer-Encoding', 'chunked'],
          ['Connection', 'keep-alive'],
        ],
        responseBody: Buffer.from('{"uri":"http://up:8080/api/v2/me/calls/A"}'),
      }),
      rewrite,
      secrets,
      'JSESSIONID',
    );
    expect(response).toEqual({
      status: 201,
      headers: [
        ['Content-Type', 'application/json'],
        ['Set-Cookie', 'JSESSIONID=MINE; Path=/; HttpOnly'],
        ['Set-Cookie', 'lang=en; Path=/'],
        ['Set-Cookie', 'JSESSIONID=MINE; Path=/; HttpOnly'],
        ['X-CSRF-TOKEN', 'secret-of-x-csrf-token'],
        ['Location', 'http://127.0.0.1:9000/api/v2/me/calls/A'],
      ],
      body: Buffer.from('{"uri":"http://127.0.0.1:9000/api/v2/me/calls/A"}'),
    });
  });

  it('leaves compressed and binary bodies byte for byte', () => {
    const gzipped = gzipSync('{"uri":"http://up:8080/x"}');
    const encoded = liveResponse(
      exchangeRow({ id: 1, responseHeaders: [['content-encoding', 'gzip']], responseBody: gzipped }),
      rewrite,
      secrets,
      'JSESSIONID',
    );
    expect(encoded?.body.equals(gzipped)).toBe(true);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const image = liveResponse(
      exchangeRow({ id: 1, responseHeaders: [['content-type', 'image/png']], responseBody: binary }),
      rewrite,
      secrets,
      'JSESSIONID',
    );
    expect(image?.body.equals(binary)).toBe(true);
  });

  it('has no response for an exchange that never got one', () => {
    expect(liveResponse(exchangeRow({ id: 1, status: null }), rewrite, secrets, 'JSESSIONID')).toBeNull();
  });
});
