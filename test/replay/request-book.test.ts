import { describe, expect, it } from 'vitest';
import { parseIgnoreFields } from '../../src/replay/json-data.js';
import type { ReplayRequest } from '../../src/replay/normalise-request.js';
import { RequestBook, type RequestCursors } from '../../src/replay/request-book.js';

const LISTEN = 'http://127.0.0.1:8090';
const UPSTREAM = 'http://127.0.0.1:8080';
const REPLAY = 'http://127.0.0.1:9555';

const post = (path: string, body: unknown, query = ''): ReplayRequest => ({
  method: 'POST',
  path,
  query,
  body: Buffer.from(JSON.stringify(body)),
});

const recorded = [
  { id: 1, request: { method: 'GET', path: '/api/v2/me', query: 'subresources=*', body: null } },
  { id: 2, request: post('/api/v2/me/calls/A', { operationName: 'Answer' }) },
  {
    id: 3,
    request: post('/api/v2/me/calls/A', {
      operationName: 'InitiateTransfer',
      destination: { phoneNumber: '5001' },
    }),
  },
  {
    id: 4,
    request: post('/api/v2/me/calls/B', {
      operationName: 'SwapCalls',
      otherCallUri: `${LISTEN}/api/v2/me/calls/A`,
    }),
  },
  { id: 5, request: post('/api/v2/me/calls/A', { operationName: 'Answer' }) },
  { id: 6, request: post('/api/v2/me/calls/B', { operationName: 'CompleteTransfer', referenceId: 'r-1' }) },
];

describe('request book', () => {
  const book = new RequestBook(recorded, {
    recordedOrigins: [LISTEN, UPSTREAM],
    ignoreFields: parseIgnoreFields(['referenceId']),
  });
  const live = (request: ReplayRequest) => book.normalise(request, [REPLAY]);

  it('matches a JSON body as data, whatever its key order', () => {
    const cursors: RequestCursors = new Map();
    const raw = '{"destination":{"phoneNumber":"5001"},"operationName":"InitiateTransfer"}';
    const found = book.answer(
      live({ method: 'post', path: '/api/v2/me/calls/A', query: '', body: Buffer.from(raw) }),
      cursors,
    );
    expect(found).toMatchObject({ kind: 'hit', exchangeId: 3, isFresh: true });
  });

  it('answers identical requests in recorded order, then repeats the last answer', () => {
    const cursors: RequestCursors = new Map();
    const answer = live(post('/api/v2/me/calls/A', { operationName: 'Answer' }));
    const ids = [1, 2, 3].map(() => book.answer(answer, cursors));
    expect(ids.map((a) => (a.kind === 'hit' ? [a.exchangeId, a.isFresh] : null))).toEqual([
      [2, true],
      [5, true],
      [5, false],
    ]);
  });

  it('keeps one client order apart from another', () => {
    const answer = live(post('/api/v2/me/calls/A', { operationName: 'Answer' }));
    const first: RequestCursors = new Map();
    const second: RequestCursors = new Map();
    book.answer(answer, first);
    expect(book.answer(answer, second)).toMatchObject({ exchangeId: 2 });
  });

  it('matches an absolute URL of the replay server against the recorder origin the recording holds', () => {
    const swap = live(
      post('/api/v2/me/calls/B', { operationName: 'SwapCalls', otherCallUri: `${REPLAY}/api/v2/me/calls/A` }),
    );
    expect(book.answer(swap, new Map())).toMatchObject({ kind: 'hit', exchangeId: 4 });
    const elsewhere = live(
      post('/api/v2/me/calls/B', {
        operationName: 'SwapCalls',
        otherCallUri: 'http://elsewhere:1/api/v2/me/calls/A',
      }),
    );
    expect(book.answer(elsewhere, new Map())).toEqual({ kind: 'miss' });
  });

  it('ignores the configured fields', () => {
    const complete = live(
      post('/api/v2/me/calls/B', { operationName: 'CompleteTransfer', referenceId: 'r-99' }),
    );
    expect(book.answer(complete, new Map())).toMatchObject({ kind: 'hit', exchangeId: 6 });
  });

  it('compares the query as data, parameter order ignored', () => {
    const me = live({ method: 'GET', path: '/api/v2/me', query: 'subresources=%2A', body: null });
    expect(book.answer(me, new Map())).toMatchObject({ kind: 'hit', exchangeId: 1 });
  });

  it('names the three closest recorded requests and how each differs', () => {
    const miss = live(post('/api/v2/me/calls/A', { operationName: 'Hold' }));
    expect(book.answer(miss, new Map())).toEqual({ kind: 'miss' });
    const closest = book.closest(miss);
    expect(closest).toHaveLength(3);
    expect(closest[0]).toMatchObject({
      request: 'POST /api/v2/me/calls/A {"operationName":"Answer"}',
      exchangeIds: [2, 5],
      differences: ['body.operationName: recorded "Answer", got "Hold"'],
    });
    expect(closest[1]?.request).toContain('InitiateTransfer');
  });

  it('prefers a request on the same path to one that only has the same body', () => {
    const miss = live(post('/api/v2/me/calls/C', { operationName: 'Answer' }));
    const [nearest] = book.closest(miss, 1);
    expect(nearest?.differences).toEqual(['path: recorded /api/v2/me/calls/A, got /api/v2/me/calls/C']);
  });

  it('says so when a body is not JSON', () => {
    const miss = live({
      method: 'POST',
      path: '/api/v2/me/calls/A',
      query: '',
      body: Buffer.from('{not json'),
    });
    expect(book.answer(miss, new Map())).toEqual({ kind: 'miss' });
    expect(book.closest(miss, 1)[0]?.differences).toEqual([
      'body: recorded body {"operationName":"Answer"}, got body "{not json"',
    ]);
  });
});
