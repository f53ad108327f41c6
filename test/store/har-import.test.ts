// HAR import: Chrome's HAR read into rows, bad files refused with a clear message, export -> import lossless.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Har, HarImport } from '../../src/store/index.js';
import { parseHar, saveHarImport, writeHar } from '../../src/store/index.js';
import { memorySink } from '../helpers/har.js';
import { recordHarSample } from '../helpers/har-session.js';
import { openTempStore, rowsOf } from '../helpers/store-rows.js';

const CHROME_HAR = join(import.meta.dirname, '..', 'fixtures', 'chrome-gws.har');
const chromeText = (): string => readFileSync(CHROME_HAR, 'utf8');

const refusal = (text: string): string => {
  try {
    parseHar(text, { file: 'bad.har' });
  } catch (err) {
    expect(err).toMatchObject({ code: 'VCR_HAR_INVALID', hint: expect.stringContaining('Save all as HAR') });
    return (err as Error).message;
  }
  throw new Error('parseHar accepted a bad HAR');
};

const entry = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  startedDateTime: '2024-05-01T10:00:00.000Z',
  time: 1,
  request: { method: 'GET', url: 'https://gws.example.com/api/v2/me', headers: [] },
  response: { status: 200, headers: [], content: { size: 0, mimeType: '' } },
  timings: { send: 0, wait: 1, receive: 0 },
  ...over,
});
const harOf = (...entries: unknown[]): string => JSON.stringify({ log: { version: '1.2', entries } });

describe('HAR import of a HAR saved by Chrome', () => {
  it('keeps the GWS origin, leaves the page out, and orders exchanges by start', () => {
    const imported = parseHar(chromeText(), { file: CHROME_HAR });
    expect(imported.session).toEqual({
      name: 'chrome-gws.har',
      upstream: 'https://gws.example.com',
      source: 'har-import',
      listenOrigin: null,
      originWallMs: Date.parse('2024-05-01T09:30:00.410Z'),
      notificationsPath: '/api/v2/notifications',
      rewriteOrigins: [],
    });
    expect(imported.skipped).toEqual({ otherOrigin: 2, notHttp: 0 });
    expect(imported.hasRecordedMessages).toBe(false);
    expect(imported.exchanges.map((e) => e.id)).toEqual(imported.exchanges.map((_, i) => i + 1));
    expect(imported.exchanges.map((e) => `${e.kind} ${e.method} ${e.path}`).slice(0, 7)).toEqual([
      'http GET /api/v2/me',
      'websocket GET /api/v2/notifications',
      'http POST /api/v2/me/channels/voice',
      'bayeux POST /api/v2/notifications/handshake',
      'bayeux POST /api/v2/notifications/connect',
      'bayeux POST /api/v2/notifications/subscribe',
      'bayeux POST /api/v2/notifications/connect',
    ]);
    expect(imported.exchanges).toHaveLength(15);
  });

  it('reads times from the timings: sent after blocked+send, first byte after wait, end after receive', () => {
    const imported = parseHar(chromeText(), { file: CHROME_HAR });
    const { exchanges } = imported;
    const me = exchanges[0];
    expect(me?.startMs).toBe(0);
    expect(imported.requestSentMs[1]).toBeCloseTo(1.42 + 0.118, 9);
    expect(me?.firstByteMs).toBeCloseTo(1.42 + 0.118 + 38.455, 9);
    expect(me?.endMs).toBeCloseTo(1.42 + 0.118 + 38.455 + 1.201, 9);
    const heldPoll = exchanges.find((e) => e.path === '/api/v2/notifications/connect' && e.startMs > 19_000);
    expect(heldPoll?.startMs).toBe(19_600);
    expect(heldPoll?.endMs).toBeCloseTo(19_600 + 0.4 + 0.1 + (9990 - 2.5) + 2, 6);
  });

  it("stores Chrome's decoded body without the content-encoding that no longer describes it", () => {
    const { exchanges } = parseHar(chromeText(), { file: CHROME_HAR });
    const me = exchanges[0];
    expect(JSON.parse(me?.responseBody?.toString() ?? '')).toMatchObject({
      statusCode: 0,
      user: { userName: 'agent5005' },
    });
    const names = (me?.responseHeaders ?? []).map(([n]) => n);
    expect(names).not.toContain('content-encoding');
    expect(names).not.toContain('content-length');
    expect(names).toContain('x-csrf-token');
    expect(me?.requestHeaders.slice(0, 2)).toEqual([
      [':authority', 'gws.example.com'],
      [':method', 'GET'],
    ]);
  });

  it('turns _webSocketMessages into frames on the session clock, in time order', () => {
    const { exchanges, frames } = parseHar(chromeText(), { file: CHROME_HAR });
    const ws = exchanges.find((e) => e.kind === 'websocket');
    expect(ws).toMatchObject({ status: 101, path: '/api/v2/notifications', startMs: 202 });
    expect(frames).toHaveLength(9);
    expect(frames.every((f) => f.exchangeId === ws?.id && f.opcode === 'text')).toBe(true);
    expect(frames.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(frames[0]).toMatchObject({ direction: 'to-server' });
    expect(frames[0]?.atMs).toBeCloseTo(652.31 - 410, 3);
    expect(JSON.parse(frames[1]?.payload.toString() ?? '')).toEqual([
      expect.objectContaining({ channel: '/meta/handshake', successful: true }),
    ]);
    // Chrome times the handshake only; the connection lasts until its last frame
    expect(ws?.endMs).toBeCloseTo(frames[8]?.atMs ?? 0, 6);
  });
});

describe('HAR import refuses a bad file, saying what is wrong where', () => {
  it('refuses text that is not JSON, or JSON that is not a HAR', () => {
    expect(refusal('{"log": {"entries": [')).toMatch(
      /^bad\.har: not JSON \(.+\); a HAR file is a JSON document$/,
    );
    expect(refusal('[1, 2]')).toBe('bad.har: no "log" object at the top level; this is not a HAR file');
    expect(refusal('{"log": {"version": "1.2"}}')).toBe('bad.har: log: has no "entries" list');
    expect(refusal('{"log": {"entries": {}}}')).toBe('bad.har: log.entries: is {}, expected an array');
    expect(refusal('{"log": {"entries": []}}')).toBe(
      'bad.har: log.entries: is empty; there is nothing to import',
    );
  });

  it('names the entry and the field that is missing or wrong', () => {
    expect(refusal(harOf(entry(), entry({ request: { method: 'GET' } })))).toBe(
      'bad.har: entry 1: request.url: is missing, expected a string',
    );
    expect(refusal(harOf(entry({ request: { method: 'GET', url: '/api/v2/me' } })))).toBe(
      'bad.har: entry 0: request.url: "/api/v2/me" is not an absolute URL',
    );
    expect(refusal(harOf(entry({ startedDateTime: 'yesterday' })))).toMatch(
      /^bad\.har: entry 0: startedDateTime: is "yesterday", expected an ISO-8601 date-time/,
    );
    expect(refusal(harOf(entry({ response: undefined })))).toBe(
      'bad.har: entry 0: response: is missing, expected an object',
    );
    expect(
      refusal(
        harOf(entry({ request: { method: 'GET', url: 'https://x/', headers: [{ name: 'a', value: 1 }] } })),
      ),
    ).toBe('bad.har: entry 0: request.headers[0].value: is 1, expected a string');
    expect(
      refusal(
        harOf(
          entry({
            _webSocketMessages: [
              { type: 'send', time: 1714557600, opcode: 1, data: '[]' },
              { type: 'send', time: 1, opcode: 7 },
            ],
          }),
        ),
      ),
    ).toBe('bad.har: entry 0: _webSocketMessages[1].opcode: is 7, expected 1 (text), 2 (binary), 8, 9 or 10');
    // a value nested too deep to write out is named all the same, not a stack overflow
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(refusal(harOf(entry()).replace('"request":{', `"request":${deep},"_was":{`))).toMatch(
      /^bad\.har: entry 0: request: is an array nested too deep to show, expected an object$/,
    );
  });

  it('refuses a HAR with nothing to import from the chosen origin', () => {
    const dataUrl = entry({ request: { method: 'GET', url: 'data:text/plain,hi' } });
    expect(refusal(harOf(dataUrl))).toBe(
      'bad.har: log.entries: none of the 1 entries is an http(s) or ws(s) request',
    );
    expect(parseHar(harOf(dataUrl, entry()), { file: 'x.har' }).skipped).toEqual({
      otherOrigin: 0,
      notHttp: 1,
    });
    expect(() => parseHar(harOf(entry()), { file: 'x.har', upstream: 'https://other.example.com' })).toThrow(
      'x.har: log.entries: none of the 1 entries goes to https://other.example.com',
    );
  });

  it('refuses a gws-vcr export whose _gwsVcr fields were damaged, instead of guessing', async () => {
    const store = openTempStore();
    const sink = memorySink();
    await writeHar(store, recordHarSample(store), sink);
    const har = JSON.parse(sink.text()) as Har;
    const first = har.log.entries[0];
    if (first?._gwsVcr) (first._gwsVcr as unknown as Record<string, unknown>).startMs = 'soon';
    expect(refusal(JSON.stringify(har))).toBe(
      'bad.har: entry 0: _gwsVcr.startMs: is "soon", expected a number',
    );
  });

  it('reads a frame kept at the log level as strictly as one in an entry', async () => {
    const store = openTempStore();
    const sink = memorySink();
    await writeHar(store, recordHarSample(store), sink);
    const har = JSON.parse(sink.text()) as Har;
    const orphan = har.log._gwsVcr?.orphanFrames[0];
    expect(orphan?.type).toBe('receive');
    if (orphan) (orphan as unknown as Record<string, unknown>).type = 'sideways';
    expect(refusal(JSON.stringify(har))).toBe(
      'bad.har: log._gwsVcr.orphanFrames[0].type: is "sideways", expected "send" or "receive"',
    );
  });
});

describe('HAR export -> import', () => {
  it('restores every exchange, frame and Bayeux row exactly: counts, contents, sub-ms times, flags', async () => {
    const store = openTempStore();
    const id = recordHarSample(store);
    const sink = memorySink();
    await writeHar(store, id, sink);
    const imported = parseHar(sink.text(), { file: 'sample.har' });
    expect(imported.hasRecordedMessages).toBe(true);
    const copy = await saveHarImport(store, imported);

    const before = store.getSession(id);
    expect(copy).toMatchObject({
      source: 'har-import',
      name: 'sample.har',
      upstream: before?.upstream,
      listenOrigin: before?.listenOrigin,
      originWallMs: before?.originWallMs,
      endedAt: before?.endedAt,
      notificationsPath: before?.notificationsPath,
      rewriteOrigins: ['https://gws-lb.example:8443'],
    });
    const original = rowsOf(store, id);
    expect(original.exchanges).toHaveLength(9);
    expect(original.frames).toHaveLength(7);
    expect(original.messages).toHaveLength(10);
    expect(rowsOf(store, copy.id)).toEqual(original);
  });
});

describe('saving an import', () => {
  it('writes all or nothing: a failing row deletes the half-written session', async () => {
    const store = openTempStore();
    const imported = parseHar(chromeText(), { file: CHROME_HAR });
    const duplicate = imported.frames[0];
    const bad: HarImport = { ...imported, frames: duplicate ? [...imported.frames, duplicate] : [] };
    await expect(saveHarImport(store, bad, { chunkRows: 4 })).rejects.toMatchObject({
      code: 'VCR_STORE_WRITE_FAILED',
    });
    expect(store.listSessions()).toEqual([]);
  });

  it('stops between chunks when aborted, and keeps nothing', async () => {
    const store = openTempStore();
    const imported = parseHar(chromeText(), { file: CHROME_HAR });
    const controller = new AbortController();
    const seen: number[] = [];
    const saving = saveHarImport(store, imported, {
      chunkRows: 5,
      signal: controller.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done === 10) controller.abort();
      },
    });
    await expect(saving).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 5, 10]);
    expect(store.listSessions()).toEqual([]);
  });
});
