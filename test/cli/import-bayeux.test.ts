// Bayeux decoding of a browser's HAR: messages at the times the recorder would stamp, bad bodies flagged, not thrown.
import { describe, expect, it } from 'vitest';
import { decodeImportedBayeux } from '../../src/cli/import-bayeux.js';
import type { Har, NewExchange } from '../../src/store/index.js';
import { parseHar, saveHarImport, writeHar } from '../../src/store/index.js';
import { memorySink, withoutOurFields } from '../helpers/har.js';
import { recordHarSample } from '../helpers/har-session.js';
import { makeExchange, makeFrame, openTempStore, rowsOf } from '../helpers/store-rows.js';

const poll = (over: Partial<NewExchange> & Pick<NewExchange, 'id'>): NewExchange =>
  makeExchange({ kind: 'bayeux', method: 'POST', path: '/api/v2/notifications/connect', ...over });

describe('decoding the Bayeux traffic of an imported HAR', () => {
  it('stamps to-server messages when sent, to-client at the end, WebSocket ones at their frame', () => {
    const rows = decodeImportedBayeux(
      {
        exchanges: [
          poll({
            id: 1,
            requestBody: Buffer.from('[{"channel":"/meta/connect","id":"7","clientId":"c"}]'),
            responseBody: Buffer.from(
              '[{"channel":"/v2/me/calls","data":{}},{"channel":"/meta/connect","id":"7","successful":true}]',
            ),
            startMs: 10,
            firstByteMs: 900,
            endMs: 901.5,
          }),
          makeExchange({ id: 2, kind: 'websocket', path: '/api/v2/notifications', status: 101, startMs: 20 }),
        ],
        frames: [
          makeFrame({
            id: 1,
            exchangeId: 2,
            atMs: 500.25,
            direction: 'to-client',
            payload: Buffer.from('{"channel":"/v2/me/devices","data":{}}'),
          }),
        ],
        messages: [],
      },
      '/api/v2/notifications',
      { 1: 10.75, 2: 20.5 },
    );
    expect(
      rows.messages.map((m) => [m.id, m.direction, m.transport, m.channel, m.atMs, m.exchangeId]),
    ).toEqual([
      [1, 'to-server', 'long-polling', '/meta/connect', 10.75, 1],
      [2, 'to-client', 'websocket', '/v2/me/devices', 500.25, 2],
      [3, 'to-client', 'long-polling', '/v2/me/calls', 901.5, 1],
      [4, 'to-client', 'long-polling', '/meta/connect', 901.5, 1],
    ]);
    expect(rows.messages[0]).toMatchObject({ clientId: 'c', messageId: '7', successful: null });
    expect(rows.messages[3]).toMatchObject({ successful: true });
  });

  it('flags bodies that are not Bayeux as the recorder does, and reads no error pages or other paths', () => {
    const rows = decodeImportedBayeux(
      {
        exchanges: [
          poll({
            id: 1,
            requestBody: Buffer.from('[{"channel":'),
            responseBody: Buffer.from('{"statusCode":0}'),
          }),
          poll({ id: 2, requestBody: null, status: 500, responseBody: Buffer.from('[{"channel":"/x"}]') }),
          makeExchange({ id: 3, kind: 'websocket', path: '/chat', status: 101 }),
          makeExchange({ id: 4, kind: 'websocket', path: '/api/v2/notifications', status: 101 }),
        ],
        frames: [
          makeFrame({ id: 1, exchangeId: 3, payload: Buffer.from('[{"channel":"/meta/connect"}]') }),
          makeFrame({ id: 2, exchangeId: 4, payload: Buffer.from('hello') }),
          makeFrame({ id: 3, exchangeId: 4, opcode: 'binary', payload: Buffer.from([1, 2]) }),
        ],
        messages: [],
      },
      '/api/v2/notifications',
    );
    expect(rows.messages).toEqual([]);
    expect(rows.exchanges.map((e) => e.flags)).toEqual([['malformed-json', 'not-bayeux'], [], [], []]);
    expect(rows.frames.map((f) => f.flags)).toEqual([[], ['malformed-json'], []]);
  });

  it('rebuilds the same Bayeux rows, within 1 ms, from an export stripped of every _gwsVcr field', async () => {
    const store = openTempStore();
    const id = recordHarSample(store, { quirks: false });
    const sink = memorySink();
    await writeHar(store, id, sink);
    const stripped = withoutOurFields(JSON.parse(sink.text())) as Har;
    expect(JSON.stringify(stripped)).not.toContain('_gwsVcr');
    const imported = parseHar(JSON.stringify(stripped), { file: 'stripped.har' });
    expect(imported.hasRecordedMessages).toBe(false);
    const copy = await saveHarImport(store, {
      ...imported,
      ...decodeImportedBayeux(imported, imported.session.notificationsPath, imported.requestSentMs),
    });

    const original = store.resolveSession(id);
    const a = rowsOf(store, id);
    const b = rowsOf(store, copy.id);
    // the same counts both sides, so the loops below compare every row
    expect([a.exchanges.length, a.frames.length, a.messages.length]).toEqual([5, 3, 8]);
    expect([b.exchanges.length, b.frames.length, b.messages.length]).toEqual([5, 3, 8]);
    /** how far apart on the wall clock two times of the two sessions are */
    const apart = (before: number | null, after: number | null | undefined): number =>
      before === null || after === null || after === undefined
        ? before === after
          ? 0
          : Number.POSITIVE_INFINITY
        : Math.abs(copy.originWallMs + after - (original.originWallMs + before));
    for (const [i, e] of a.exchanges.entries()) {
      const c = b.exchanges[i];
      expect(c).toMatchObject({
        id: e.id,
        kind: e.kind,
        method: e.method,
        path: e.path,
        query: e.query,
        status: e.status,
      });
      expect([c?.requestBody, c?.responseBody]).toEqual([e.requestBody, e.responseBody]);
      expect(
        [apart(e.startMs, c?.startMs), apart(e.firstByteMs, c?.firstByteMs), apart(e.endMs, c?.endMs)].every(
          (d) => d < 1,
        ),
      ).toBe(true);
    }
    for (const [i, f] of a.frames.entries()) {
      expect(b.frames[i]).toMatchObject({
        id: f.id,
        direction: f.direction,
        opcode: f.opcode,
        payload: f.payload,
      });
      expect(apart(f.atMs, b.frames[i]?.atMs)).toBeLessThan(1);
    }
    for (const [i, m] of a.messages.entries()) {
      expect(b.messages[i]).toMatchObject({
        id: m.id,
        direction: m.direction,
        transport: m.transport,
        message: m.message,
      });
      expect(apart(m.atMs, b.messages[i]?.atMs)).toBeLessThan(1);
    }
  });
});
