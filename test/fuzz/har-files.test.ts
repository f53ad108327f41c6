// Fuzz: any file handed to `gws-vcr import` is read whole or refused with VCR_HAR_INVALID naming the file and the place; a well-formed HAR loses no entry, body or frame.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeImportedBayeux } from '../../src/cli/import-bayeux.js';
import { isVcrError } from '../../src/common/errors.js';
import { type HarImport, parseHar } from '../../src/store/index.js';
import { bayeuxBatch, oddText } from '../helpers/fuzz-arbitraries.js';

const FILE = 'fuzzed.har';
const CHROME_HAR = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'chrome-gws.har'), 'utf8');
const ORIGIN = 'https://gws.example.com';

/** parseHar's answer, or its refusal; any other throw fails the test. */
const importOf = (text: string): HarImport | { refused: string } => {
  try {
    return parseHar(text, { file: FILE });
  } catch (err) {
    if (!isVcrError(err) || err.code !== 'VCR_HAR_INVALID') throw err;
    expect(err.message).toContain(FILE);
    expect(err.hint?.length ?? 0).toBeGreaterThan(10);
    return { refused: err.message };
  }
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON document, as a path of keys and indexes. */
const placesOf = (value: Json, at: Array<string | number> = []): Array<Array<string | number>> => {
  const children: Array<Array<string | number>> = Array.isArray(value)
    ? value.flatMap((v, i) => placesOf(v, [...at, i]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => placesOf(v, [...at, k]))
      : [];
  return [at, ...children];
};

/** The document with the value at `place` replaced (or removed when `by` is undefined). */
const mutate = (doc: Json, place: Array<string | number>, by: Json | undefined): Json => {
  if (place.length === 0) return by ?? null;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let parent = copy;
  for (const key of place.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = place[place.length - 1] as string | number;
  if (by === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = by;
  return copy as Json;
};

const CHROME_DOC = JSON.parse(CHROME_HAR) as Json;
const CHROME_PLACES = placesOf(CHROME_DOC);

/** A Chrome-style entry on ORIGIN whose bodies are whatever a server or client sent. */
const entry = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  path: fc.oneof(
    fc.constantFrom('/api/v2/me', '/api/v2/me/calls/A1', '/api/v2/notifications/connect'),
    fc.webPath().map((p) => `/api/v2/${encodeURI(p.replace(/^\//, ''))}`),
  ),
  requestText: fc.oneof(
    bayeuxBatch.map((b) => JSON.stringify(b)),
    oddText,
  ),
  status: fc.integer({ min: 100, max: 599 }),
  responseText: fc.oneof(
    bayeuxBatch.map((b) => JSON.stringify(b)),
    oddText,
  ),
  waitMs: fc.double({ min: 0, max: 5000, noNaN: true }),
});

type EntrySpec = typeof entry extends fc.Arbitrary<infer T> ? T : never;

const harOf = (entries: Array<EntrySpec>): string =>
  JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      entries: entries.map((e, i) => ({
        startedDateTime: new Date(Date.UTC(2024, 4, 1, 10, 0, 0, i)).toISOString(),
        time: e.waitMs,
        request: {
          method: e.method,
          url: `${ORIGIN}${e.path}`,
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          queryString: [],
          cookies: [],
          headersSize: -1,
          bodySize: e.requestText.length,
          ...(e.method === 'GET' ? {} : { postData: { mimeType: 'application/json', text: e.requestText } }),
        },
        response: {
          status: e.status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          cookies: [],
          content: { size: e.responseText.length, mimeType: 'application/json', text: e.responseText },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
        },
        cache: {},
        timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: e.waitMs, receive: 0 },
      })),
    },
  });

describe('HAR files from outside', () => {
  it('any text or JSON is imported or refused with VCR_HAR_INVALID naming the file, never another error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          oddText,
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ log: v })),
        ),
        (text) => {
          importOf(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a Chrome HAR with any one field replaced or removed is imported or refused naming where, never another error', () => {
    const seen = { imported: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...CHROME_PLACES),
        fc.option(fc.oneof(fc.jsonValue(), fc.constantFrom(-1, '', [], {}, 'not a date', 1e308)), {
          nil: undefined,
        }),
        (place, by) => {
          const result = importOf(JSON.stringify(mutate(CHROME_DOC, place, by as Json | undefined)));
          seen['refused' in result ? 'refused' : 'imported'] += 1;
          if ('refused' in result) {
            // the message points at a place in the file (log, log.entries[3].request.url, ...)
            expect(result.refused).toMatch(/log|entr|not JSON|HAR/);
            const [log, entries, index, field] = place;
            if (log === 'log' && entries === 'entries' && field !== undefined) {
              // a field inside an entry: the message names that entry and the field
              expect(result.refused).toContain(`entry ${String(index)}: `);
              expect(result.refused).toContain(String(field));
            }
          } else {
            expect(() =>
              decodeImportedBayeux(result, result.session.notificationsPath, result.requestSentMs),
            ).not.toThrow();
          }
        },
      ),
      { numRuns: 250 },
    );
    // both outcomes above were reached often, so each check had something to check
    expect(seen.imported).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  it('a well-formed HAR keeps every entry and every body byte for byte, and decodes every Bayeux message in it', () => {
    let decodedMessages = 0;
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (entries) => {
        const imported = parseHar(harOf(entries), { file: FILE });
        expect(imported.exchanges).toHaveLength(entries.length);
        for (const [i, e] of entries.entries()) {
          const exchange = imported.exchanges[i];
          expect(exchange?.method).toBe(e.method);
          expect(exchange?.status).toBe(e.status);
          if (e.method !== 'GET') expect(exchange?.requestBody?.toString('utf8') ?? '').toBe(e.requestText);
          expect(exchange?.responseBody?.toString('utf8') ?? '').toBe(e.responseText);
        }
        const decoded = decodeImportedBayeux(
          imported,
          imported.session.notificationsPath,
          imported.requestSentMs,
        );
        const toServer = decoded.messages.filter((m) => m.direction === 'to-server');
        const expected = entries.flatMap((e, i) => {
          const exchange = decoded.exchanges[i];
          if (exchange?.kind !== 'bayeux') return [];
          try {
            const parsed: unknown = JSON.parse(e.requestText);
            const items = Array.isArray(parsed) ? parsed : [parsed];
            const isBayeux =
              items.length > 0 &&
              items.every(
                (m) =>
                  typeof m === 'object' &&
                  m !== null &&
                  typeof (m as { channel?: unknown }).channel === 'string',
              );
            return isBayeux ? items : [];
          } catch {
            return [];
          }
        });
        expect(toServer.map((m) => m.message)).toEqual(expected);
        decodedMessages += expected.length;
      }),
      { numRuns: 150 },
    );
    // the Bayeux comparison above was not between two empty lists every time
    expect(decodedMessages).toBeGreaterThan(5);
  });
});
