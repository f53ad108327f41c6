// Fuzz: whatever a peer POSTs on the notifications path, or answers there, passes the recorder unchanged, is stored whole, and every Bayeux message in it gets its row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBayeuxBody } from '../../src/bayeux/index.js';
import { readBayeux } from '../../src/proxy/index.js';
import { anyBody, bayeuxBatch, oddText } from '../helpers/fuzz-arbitraries.js';
import { nextEvent, send, startEchoUpstream, startTestRecorder } from '../helpers/recorder.js';

describe('Bayeux bodies from outside', () => {
  it('are read as messages when they are Bayeux, and refused with a reason and a flag otherwise, never thrown', () => {
    const seen = { read: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          bayeuxBatch.map((b) => JSON.stringify(b)),
          oddText,
        ),
        (text) => {
          const parsed = parseBayeuxBody(text);
          const tapped = readBayeux(text);
          if (parsed.ok) {
            seen.read += 1;
            // nothing lost: one message per array item, each as sent
            const items: unknown = JSON.parse(text);
            expect(parsed.messages).toEqual(Array.isArray(items) ? items : [items]);
            expect(tapped).toEqual({ messages: parsed.messages, flag: null });
          } else {
            seen.refused += 1;
            expect(parsed.reason.length).toBeGreaterThan(10);
            expect(tapped.messages).toEqual([]);
            expect(['malformed-json', 'not-bayeux']).toContain(tapped.flag);
          }
        },
      ),
      { numRuns: 500 },
    );
    // both branches above ran often: the property says something about Bayeux and about the rest
    expect(seen.read).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  it('pass the recorder byte for byte both ways, are stored whole, and give one row per message each way', async () => {
    const upstream = await startEchoUpstream('application/json;charset=UTF-8');
    const { recorder, store } = await startTestRecorder(upstream.url);
    const sent: Array<{ exchangeId: number; body: Buffer }> = [];
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom('', '/connect', '/handshake'), async (body, suffix) => {
        const recorded = nextEvent(recorder, 'exchange');
        const reply = await send(`${recorder.url}/api/v2/notifications${suffix}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json;charset=UTF-8' },
          body,
        });
        expect(reply.status).toBe(200);
        expect(reply.body.equals(body)).toBe(true);
        sent.push({ exchangeId: (await recorded).id, body });
      }),
      { numRuns: 80 },
    );

    await recorder.flush();
    const seen = { decoded: 0, flagged: 0 };
    for (const { exchangeId, body } of sent) {
      const exchange = store.exchange(recorder.sessionId, exchangeId);
      expect(exchange?.kind).toBe('bayeux');
      expect(exchange?.requestBody?.equals(body) ?? body.length === 0).toBe(true);
      expect(exchange?.responseBody?.equals(body) ?? body.length === 0).toBe(true);
      const read = readBayeux(body.toString('utf8'));
      const rows = store.messages(recorder.sessionId, { exchangeId });
      if (read.flag === null) {
        seen.decoded += 1;
        for (const direction of ['to-server', 'to-client'] as const) {
          expect(rows.filter((r) => r.direction === direction).map((r) => r.message)).toEqual(read.messages);
        }
      } else {
        seen.flagged += 1;
        expect(rows).toEqual([]);
        if (body.length > 0) expect(exchange?.flags).toContain(read.flag);
      }
    }
    expect(seen.decoded).toBeGreaterThan(5);
    expect(seen.flagged).toBeGreaterThan(5);
    // still up and still recording
    expect((await send(`${recorder.url}/api/v2/me`)).status).toBe(200);
  });
});
