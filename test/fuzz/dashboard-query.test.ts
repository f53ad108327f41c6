// Fuzz: any path id and query string sent to the dashboard's JSON API gets an answer or a 4xx naming what is wrong, never a 500; paging with any limit loses no row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedDashboard } from '../helpers/dashboard-fixtures.js';

const seedApp = async () => (await seedDashboard()).app;

const ROUTES = [
  '',
  '/messages',
  '/exchanges',
  '/exchanges/1',
  '/exchanges/{any}',
  '/frames',
  '/calls',
  '/operations',
  '/transfers',
  '/anomalies',
  '/analysis',
  '/events',
];
const NAMES = [
  'fromMs',
  'toMs',
  'offset',
  'limit',
  'channel',
  'direction',
  'transport',
  'clientId',
  'exchangeId',
  'text',
  'kind',
  'method',
  'path',
  'call',
  'operation',
  'opcode',
  'token',
  'valueOf',
  '__proto__',
  'constructor',
];
/** What may arrive in a path segment or a query value. */
const raw = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-1',
    '2',
    '1.5',
    '1e3',
    '1e309',
    'NaN',
    'Infinity',
    '',
    ' ',
    'abc',
    '9007199254740993',
  ),
  fc.constantFrom(
    '/v2/**',
    'to-client',
    'websocket',
    'text',
    "'; DROP TABLE messages; --",
    '%',
    '%%',
    '\u0000',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 1001, maxLength: 1100 }),
  fc.integer().map(String),
  fc.double().map(String),
);
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 10 })), raw), {
  maxLength: 6,
});

describe('dashboard query parameters from outside', () => {
  it('get JSON with 200 (204 for a session not live), or a 4xx in the error shape naming the problem, never 5xx', async () => {
    const app = await seedApp();
    const seen = { answered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant('1'), raw),
        fc.constantFrom(...ROUTES),
        raw,
        query,
        async (id, route, any, pairs) => {
          const path = `/api/sessions/${encodeURIComponent(id)}${route.replace('{any}', encodeURIComponent(any))}`;
          const search = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const url = search === '' ? path : `${path}?${search}`;
          const reply = await app.inject({ url });
          expect(reply.statusCode, `${url}: ${reply.body.slice(0, 300)}`).toBeLessThan(500);
          seen[reply.statusCode < 400 ? 'answered' : 'refused'] += 1;
          if (reply.statusCode === 204) return;
          const body = reply.json();
          if (reply.statusCode >= 400) {
            expect(body, url).toMatchObject({
              error: expect.stringMatching(/^VCR_/),
              message: expect.any(String),
            });
            expect(body.message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 300 },
    );
    // both outcomes above were reached often, so each check had something to check
    expect(seen.answered).toBeGreaterThan(40);
    expect(seen.refused).toBeGreaterThan(40);
  });

  it('refuses a limit or offset that is not a finite number with a 400 naming it', async () => {
    const app = await seedApp();
    for (const route of ['messages', 'exchanges', 'frames']) {
      for (const q of ['limit=Infinity', 'limit=1e309', 'offset=Infinity', 'offset=-Infinity']) {
        const url = `/api/sessions/1/${route}?${q}`;
        const reply = await app.inject({ url });
        expect(reply.statusCode, `${url}: ${reply.body}`).toBe(400);
        expect(reply.json().message, url).toContain(q.split('=')[0]);
      }
    }
  });

  it('pages through every message once, in order, whatever the limit', async () => {
    const app = await seedApp();
    const all = (await app.inject({ url: '/api/sessions/1/messages?limit=5000' })).json();
    // the seed's six notifications: most limits below take several pages
    expect(all.total).toBeGreaterThanOrEqual(6);
    expect(all.items.length).toBe(all.total);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), async (limit) => {
        const ids: number[] = [];
        for (let offset = 0; offset < all.total; offset += limit) {
          const page = (
            await app.inject({ url: `/api/sessions/1/messages?limit=${limit}&offset=${offset}` })
          ).json();
          ids.push(...page.items.map((m: { id: number }) => m.id));
        }
        expect(ids).toEqual(all.items.map((m: { id: number }) => m.id));
      }),
      { numRuns: 20 },
    );
  });
});
