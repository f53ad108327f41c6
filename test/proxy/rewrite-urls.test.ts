import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTextual, OriginRewriter, rewriteLocation } from '../../src/proxy/rewrite-urls.js';

const FROM = 'http://127.0.0.1:8080';
const TO = 'http://localhost:18090';
const swap = { from: FROM, to: TO };

/** The reference: a whole-text replacement where the origin is not followed by a host or port character. */
const reference = (text: string): string => {
  const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const boundary = '(?![A-Za-z0-9._:@-])';
  return text
    .replace(new RegExp(escapeRe(FROM) + boundary, 'g'), TO)
    .replace(new RegExp(escapeRe(FROM.replaceAll('/', '\\/')) + boundary, 'g'), TO.replaceAll('/', '\\/'));
};

const streamed = (chunks: Buffer[]): string => {
  const rewriter = new OriginRewriter([swap]);
  const out = chunks.map((chunk) => rewriter.push(chunk));
  out.push(rewriter.end());
  return Buffer.concat(out).toString('utf8');
};

/** Cuts a buffer at the given fractions. */
const cut = (data: Buffer, points: number[]): Buffer[] => {
  const at = [...new Set(points.map((p) => Math.floor(p * data.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of at) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  chunks.push(data.subarray(from));
  return chunks;
};

describe('OriginRewriter', () => {
  it('rewrites the upstream origin in a notification the way GWS writes it', () => {
    const body = `{"call":{"deviceUri":"${FROM}/api/v2/devices/1","uri":"${FROM}/api/v2/me/calls/A","path":"/calls/A"}}`;
    expect(streamed([Buffer.from(body)])).toBe(
      `{"call":{"deviceUri":"${TO}/api/v2/devices/1","uri":"${TO}/api/v2/me/calls/A","path":"/calls/A"}}`,
    );
  });

  it('rewrites the JSON-escaped form a Java server may write', () => {
    expect(streamed([Buffer.from('{"uri":"http:\\/\\/127.0.0.1:8080\\/api"}')])).toBe(
      '{"uri":"http:\\/\\/localhost:18090\\/api"}',
    );
  });

  it('leaves an origin that merely starts the same alone (another port, a longer host)', () => {
    const text = `${FROM}1/x ${FROM}.evil.com ${FROM}:9 "${FROM}"`;
    expect(streamed([Buffer.from(text)])).toBe(`${FROM}1/x ${FROM}.evil.com ${FROM}:9 "${TO}"`);
  });

  it('gives the same bytes however the body is cut into chunks', () => {
    const piece = fc.constantFrom(
      FROM,
      `${FROM}/api`,
      'http:\\/\\/127.0.0.1:8080',
      FROM.slice(0, 9),
      'h',
      '"',
      'é',
      '1',
      '.',
      ' ',
      'x/y',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (pieces, points) => {
          const text = pieces.join('');
          expect(streamed(cut(Buffer.from(text), points))).toBe(reference(text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rewrites each of several origins, a longer one that begins with a shorter one included, whole or cut', () => {
    // An upstream recorded by its short host name, which names itself by its full one too (--rewrite-origin).
    const froms = ['http://gws', 'http://gws.example.com', 'http://10.0.0.5', 'http://10.0.0.5:8080'];
    const swaps = froms.map((from) => ({ from, to: TO }));
    const text = froms.map((from) => `"${from}/api/v2/me" "${from.replaceAll('/', '\\/')}\\/x"`).join(' ');
    const expected = froms.map(() => `"${TO}/api/v2/me" "${TO.replaceAll('/', '\\/')}\\/x"`).join(' ');
    expect(new OriginRewriter(swaps).rewriteAll(Buffer.from(text)).toString()).toBe(expected);
    for (let at = 1; at < text.length; at++) {
      const rewriter = new OriginRewriter(swaps);
      const bytes = Buffer.from(text);
      const out = [rewriter.push(bytes.subarray(0, at)), rewriter.push(bytes.subarray(at)), rewriter.end()];
      expect(Buffer.concat(out).toString()).toBe(expected);
    }
    const other = Buffer.from('{"uri":"http://elsewhere/api"}');
    expect(new OriginRewriter(swaps).rewriteAll(other)).toBe(other);
  });

  it('passes a chunk without the origin through untouched (no copy)', () => {
    const rewriter = new OriginRewriter([swap]);
    const chunk = Buffer.from('{"statusCode":0}');
    expect(rewriter.push(chunk)).toBe(chunk);
  });

  it('does nothing when both origins are the same', () => {
    const rewriter = new OriginRewriter([{ from: FROM, to: FROM }]);
    expect(rewriter.isIdentity).toBe(true);
    expect(rewriter.rewriteAll(Buffer.from(FROM)).toString()).toBe(FROM);
  });
});

describe('rewriteLocation', () => {
  it('points an upstream Location at the proxy and keeps path and query', () => {
    expect(rewriteLocation(`${FROM}/api/v2/me?x=1`, swap)).toBe(`${TO}/api/v2/me?x=1`);
    expect(rewriteLocation(FROM, swap)).toBe(TO);
  });

  it('keeps relative and foreign locations', () => {
    expect(rewriteLocation('/api/v2/me', swap)).toBe('/api/v2/me');
    expect(rewriteLocation('http://example.com/', swap)).toBe('http://example.com/');
    expect(rewriteLocation(`${FROM}0/x`, swap)).toBe(`${FROM}0/x`);
  });
});

describe('isTextual', () => {
  it('scans JSON and text but not binary content', () => {
    expect(isTextual('application/json;charset=UTF-8')).toBe(true);
    expect(isTextual('text/html')).toBe(true);
    expect(isTextual('image/png')).toBe(false);
    expect(isTextual(undefined)).toBe(false);
  });
});
