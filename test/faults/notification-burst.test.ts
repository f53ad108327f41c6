// Fault: 10,000 notifications at full speed through the recorder reach the official client and the database, none lost.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startBayeuxServer } from '../bayeux/start-server.js';
import { type ClientTransport, connectClient } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];
const TOTAL = 10_000;
/** messages published per event-loop turn: as fast as the upstream can queue them, in many frames and polls */
const PER_TURN = 250;
const CHANNEL = '/burst/calls';

const numbers = (): number[] => Array.from({ length: TOTAL }, (_, i) => i);
const nOf = (data: unknown): number => (data as { n: number }).n;

const WRITERS = [
  ['on the forwarding thread', false],
  ['on a worker thread', true],
] as const;

describe.each(TRANSPORTS)('a burst of 10,000 notifications through the recorder (%s)', (transport) => {
  it.each(WRITERS)(
    'reaches the official client and the database (writer %s), every one, once, in order',
    async (_, isWriterOffThread) => {
      // Our Bayeux server plays the upstream here: the simulator emits notifications at call pace, not this fast.
      const upstream = await startBayeuxServer();
      onTestFinished(() => upstream.close());
      const { recorder, store } = await startTestRecorder(`http://127.0.0.1:${upstream.port}`, {
        isWriterOffThread,
      });
      const client = await connectClient({ url: `${recorder.url}/api/v2/notifications`, transport });
      onTestFinished(() => client.disconnect());
      await client.subscribe(CHANNEL);

      // Each message carries a GWS-sized payload, so the burst weighs what a busy agent's would.
      const filler = 'x'.repeat(200);
      for (let n = 0; n < TOTAL; n++) {
        upstream.bayeux.publish(CHANNEL, { n, messageType: 'CallStateChangeMessage', filler });
        if (n % PER_TURN === PER_TURN - 1) await nextTurn();
      }
      await client.next(CHANNEL, (m) => nOf(m.data) === TOTAL - 1, 20_000);
      expect(client.messages(CHANNEL).map((m) => nOf(m.data))).toEqual(numbers());

      await recorder.flush();
      const rows = store.messages(recorder.sessionId, { channel: CHANNEL, direction: 'to-client' });
      expect(rows.map((r) => nOf(r.message.data))).toEqual(numbers());
      expect(new Set(rows.map((r) => r.transport))).toEqual(new Set([transport]));
      expect(recorder.stats).toMatchObject({ rowsFailed: 0, lastError: null });
      // stored on the session clock in the order they passed
      for (let i = 1; i < rows.length; i++) {
        expect((rows[i]?.atMs ?? 0) >= (rows[i - 1]?.atMs ?? 0)).toBe(true);
      }
    },
  );
});
