// HAR export: valid HAR 1.2, times and bodies mapped as the spec says, WebSocket frames as Chrome writes them.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Har, HarEntry } from '../../src/store/index.js';
import { writeHar } from '../../src/store/index.js';
import { harSchemaErrors, memorySink } from '../helpers/har.js';
import { recordHarSample, SAMPLE_ORIGIN_WALL_MS } from '../helpers/har-session.js';
import { openTempStore } from '../helpers/store-rows.js';

const exportSample = async (): Promise<{ har: Har; counts: Awaited<ReturnType<typeof writeHar>> }> => {
  const store = openTempStore();
  const id = recordHarSample(store);
  const sink = memorySink();
  const counts = await writeHar(store, id, sink);
  return { har: JSON.parse(sink.text()) as Har, counts };
};

const entryAt = (har: Har, path: string, method = 'GET'): HarEntry => {
  const found = har.log.entries.find(
    (e) => new URL(e.request.url).pathname === path && e.request.method === method,
  );
  if (!found) throw new Error(`no ${method} ${path} in the export`);
  return found;
};

describe('HAR export', () => {
  it('writes a document the HAR 1.2 schema accepts, one entry per exchange in start order', async () => {
    const { har, counts } = await exportSample();
    expect(await harSchemaErrors(har)).toEqual([]);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('gws-vcr');
    expect(counts).toEqual({ entries: 9, frames: 7, messages: 10 });
    const starts = har.log.entries.map((e) => Date.parse(e.startedDateTime));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const entry of har.log.entries) {
      const { send, wait, receive } = entry.timings;
      expect(entry.time).toBeCloseTo(send + wait + receive, 9);
      expect([send, wait, receive].every((t) => t >= 0)).toBe(true);
    }
  });

  it('maps times: startedDateTime is origin + startMs, wait is to the first byte, receive to the end', async () => {
    const { har } = await exportSample();
    const me = entryAt(har, '/api/v2/me');
    expect(me.startedDateTime).toBe(new Date(SAMPLE_ORIGIN_WALL_MS + 0.123456).toISOString());
    expect(me.timings.wait).toBeCloseTo(12.5 - 0.123456, 9);
    expect(me.timings.receive).toBeCloseTo(13.0625 - 12.5, 9);
    expect(me.request.url).toBe('http://127.0.0.1:8080/api/v2/me?subresources=*&q=a%20b');
    expect(me.request.queryString).toEqual([
      { name: 'subresources', value: '*' },
      { name: 'q', value: 'a b' },
    ]);
    const aborted = entryAt(har, '/api/v2/me/calls/B', 'POST');
    expect(aborted.response.status).toBe(0);
    expect(aborted.response.content.text).toBeUndefined();
    expect(aborted.response._error).toBe('client went away after 12 ms');
    // an empty body is not no body
    expect(aborted.request.postData).toEqual({ mimeType: '', text: '' });
  });

  it('keeps long-poll bodies as text, bytes that are not UTF-8 as base64, and gzip bodies decoded', async () => {
    const { har } = await exportSample();
    const poll = entryAt(har, '/api/v2/notifications/connect', 'POST');
    expect(JSON.parse(poll.request.postData?.text ?? '')).toEqual([
      expect.objectContaining({ channel: '/meta/connect' }),
    ]);
    expect(JSON.parse(poll.response.content.text ?? '')).toHaveLength(2);
    expect(poll.response.content.encoding).toBeUndefined();

    const notUtf8 = har.log.entries.find((e) => e._gwsVcr?.id === 7);
    expect(notUtf8?.response.content).toEqual({
      size: 9000,
      mimeType: 'application/json',
      text: 'e8MofQ==',
      encoding: 'base64',
    });
    expect(notUtf8?.request.postData).toEqual({ mimeType: '', text: 'e8MofQ==', _encoding: 'base64' });

    const gzip = entryAt(har, '/api/v2/me/calls');
    expect(JSON.parse(gzip.response.content.text ?? '')).toEqual({ statusCode: 0, calls: [] });
    const raw = Buffer.from(gzip._gwsVcr?.rawResponseBody ?? '', 'base64');
    expect(gunzipSync(raw).toString()).toBe(gzip.response.content.text);
    expect(gzip.response.cookies.map((c) => c.name)).toEqual(['JSESSIONID', 'LB']);
  });

  it('writes a WebSocket connection as Chrome does: wss URL, 101, frames in _webSocketMessages', async () => {
    const { har } = await exportSample();
    const ws = har.log.entries.find((e) => e._resourceType === 'websocket');
    expect(ws?.request.url).toBe('ws://127.0.0.1:8080/api/v2/notifications');
    expect(ws?.response.status).toBe(101);
    const frames = ws?._webSocketMessages ?? [];
    expect(frames.map(({ type, opcode }) => [type, opcode])).toEqual([
      ['send', 1],
      ['receive', 1],
      ['receive', 2],
      ['receive', 1],
      ['receive', 9],
      ['receive', 8],
    ]);
    expect(frames[0]?.time).toBeCloseTo((SAMPLE_ORIGIN_WALL_MS + 42.000125) / 1000, 6);
    expect(JSON.parse(frames[1]?.data ?? '')).toEqual([
      expect.objectContaining({ channel: '/v2/me/calls' }),
      expect.objectContaining({ channel: '/meta/connect' }),
    ]);
    expect(Buffer.from(frames[2]?.data ?? '', 'base64')).toEqual(Buffer.from([0, 1, 2, 0xff, 0xfe]));
    expect(frames[3]?._gwsVcr).toMatchObject({ isBase64: true, flags: ['truncated'], payloadBytes: 70000 });
  });

  it('keeps rows no entry can carry at the log level, so nothing is lost', async () => {
    const { har } = await exportSample();
    const extra = har.log._gwsVcr;
    expect(extra?.session).toMatchObject({ name: 'har-sample', originWallMs: SAMPLE_ORIGIN_WALL_MS });
    expect(extra?.orphanFrames.map((f) => [f.exchangeId, f._gwsVcr?.id])).toEqual([[99, 7]]);
    expect(extra?.orphanMessages.map((m) => [m.id, m.exchangeId])).toEqual([
      [9, null],
      [10, 77],
    ]);
  });

  it('reports progress per entry and waits for a slow writer to drain', async () => {
    const store = openTempStore();
    const id = recordHarSample(store);
    const seen: Array<[number, number]> = [];
    let drains = 0;
    const chunks: string[] = [];
    const slow = {
      write: (chunk: string) => {
        chunks.push(chunk);
        return chunks.length % 2 === 0;
      },
      once: (_event: 'drain', listener: () => void) => {
        drains += 1;
        setImmediate(listener);
      },
    };
    await writeHar(store, id, slow, { onProgress: (done, total) => seen.push([done, total]), chunkRows: 4 });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [n, 9]));
    expect(drains).toBeGreaterThan(0);
    expect((JSON.parse(chunks.join('')) as Har).log.entries).toHaveLength(9);
  });

  it('stops after the current entry when its signal aborts', async () => {
    const store = openTempStore();
    const id = recordHarSample(store);
    const controller = new AbortController();
    const writing = writeHar(store, id, memorySink(), {
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 3) controller.abort();
      },
    });
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' });
  });
});
