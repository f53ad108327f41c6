// Fuzz: whatever frames a client sends over the CometD WebSocket, the recorder relays and stores every one both ways, and our Bayeux server keeps answering on the same socket.
import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { readBayeux } from '../../src/proxy/index.js';
import { startBayeuxServer } from '../bayeux/start-server.js';
import { anyBody } from '../helpers/fuzz-arbitraries.js';
import { startTestRecorder } from '../helpers/recorder.js';

/** A frame as a client may send it: text (valid UTF-8, as ws requires) or binary bytes. */
const frame = fc.record({ payload: anyBody, isBinary: fc.boolean() }).map(({ payload, isBinary }) => ({
  isBinary,
  payload: isBinary ? payload : Buffer.from(payload.toString('utf8')),
}));

describe('WebSocket frames from outside', () => {
  it('are relayed and stored byte for byte both ways, decoded when Bayeux, and the server keeps answering', async () => {
    // Our Bayeux server plays the upstream: it answers every frame, so both directions carry traffic.
    const upstream = await startBayeuxServer();
    onTestFinished(() => upstream.close());
    const { recorder, store } = await startTestRecorder(`http://127.0.0.1:${upstream.port}`);
    const socket = new WebSocket(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    onTestFinished(() => socket.terminate());
    await once(socket, 'open');

    const sent: Array<{ payload: Buffer; isBinary: boolean }> = [];
    const received: Buffer[] = [];
    const probes = new Map<string, () => void>();
    socket.on('message', (data: Buffer) => {
      received.push(Buffer.from(data));
      for (const [id, resolve] of probes) {
        if (data.includes(Buffer.from(`"id":"${id}"`))) resolve();
      }
    });
    const send = (payload: Buffer, isBinary: boolean): void => {
      sent.push({ payload, isBinary });
      socket.send(isBinary ? payload : payload.toString('utf8'), { binary: isBinary });
    };
    /** A handshake on the same socket, answered: the socket and both servers are still well. */
    let probeCount = 0;
    const probe = async (): Promise<void> => {
      const id = `probe-${++probeCount}`;
      const answered = new Promise<void>((resolve) => probes.set(id, resolve));
      send(
        Buffer.from(
          JSON.stringify([
            { channel: '/meta/handshake', id, version: '1.0', supportedConnectionTypes: ['websocket'] },
          ]),
        ),
        false,
      );
      await answered;
      probes.delete(id);
    };

    await fc.assert(
      fc.asyncProperty(frame, async ({ payload, isBinary }) => {
        send(payload, isBinary);
        await probe();
        expect(socket.readyState).toBe(WebSocket.OPEN);
      }),
      { numRuns: 150 },
    );

    await recorder.flush();
    const frames = store.frames(recorder.sessionId);
    const toServer = frames.filter((f) => f.direction === 'to-server');
    expect(toServer.map((f) => [f.opcode, f.payload.toString('hex')])).toEqual(
      sent.map((s) => [s.isBinary ? 'binary' : 'text', s.payload.toString('hex')]),
    );
    const toClient = frames.filter((f) => f.direction === 'to-client' && f.opcode === 'text');
    expect(toClient.map((f) => f.payload.toString('utf8'))).toEqual(received.map((r) => r.toString('utf8')));

    // Every Bayeux message of every text frame has its row, and every other text frame is flagged.
    const [upgrade] = store.exchanges(recorder.sessionId);
    const rows = store.messages(recorder.sessionId, { exchangeId: upgrade?.id, direction: 'to-server' });
    const expected = sent
      .filter((s) => !s.isBinary)
      .flatMap((s) => readBayeux(s.payload.toString('utf8')).messages);
    expect(rows.map((r) => r.message)).toEqual(expected);
    for (const [i, s] of sent.entries()) {
      const read = readBayeux(s.payload.toString('utf8'));
      if (!s.isBinary && read.flag !== null && s.payload.length > 0) {
        expect(toServer[i]?.flags, s.payload.toString('utf8')).toContain(read.flag);
      }
    }
  });
});
