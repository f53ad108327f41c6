import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { OffThreadWriter } from '../../src/proxy/off-thread-writer.js';
import { openStore } from '../../src/store/index.js';
import { makeExchange, makeFrame, makeMessage, makeSession, tempDir } from '../helpers/store-rows.js';

/** An off-thread writer of `sessionId` in `dbPath`, closed when the test ends. */
const startWriter = async (dbPath: string, sessionId: number): Promise<OffThreadWriter> => {
  const writer = await OffThreadWriter.start({ dbPath, sessionId, batchWindowMs: 5, logger: silentLogger });
  onTestFinished(() => writer.close());
  return writer;
};

const setup = async () => {
  const dbPath = join(tempDir(), 'w.sqlite');
  const store = openStore(dbPath);
  onTestFinished(() => store.close());
  const session = store.createSession(makeSession());
  return { store, session, writer: await startWriter(dbPath, session.id) };
};

describe('OffThreadWriter', () => {
  it('writes rows from a worker thread, bodies byte for byte, and flush resolves once they are committed', async () => {
    const { store, session, writer } = await setup();
    const exchangeId = writer.nextExchangeId();
    const frameId = writer.nextFrameId();
    expect([exchangeId, writer.nextExchangeId(), frameId, writer.nextMessageId()]).toEqual([1, 2, 1, 1]);
    const body = Buffer.from([0, 1, 2, 250, 255]);
    writer.addMessage({
      id: 1,
      exchangeId,
      direction: 'to-client',
      transport: 'websocket',
      channel: '/v2/me/calls',
      clientId: 'c1',
      messageId: '9',
      successful: null,
      atMs: 1.5,
      message: { channel: '/v2/me/calls', data: { state: 'Ringing' } },
    });
    writer.addFrame({
      id: frameId,
      exchangeId,
      direction: 'to-client',
      opcode: 'binary',
      atMs: 1.25,
      payload: body,
      payloadBytes: 5,
      flags: [],
    });
    writer.addExchange({
      id: exchangeId,
      kind: 'websocket',
      method: 'GET',
      path: '/api/v2/notifications',
      query: '',
      requestHeaders: [['Upgrade', 'websocket']],
      requestBody: null,
      requestBodyBytes: 0,
      status: 101,
      responseHeaders: [],
      responseBody: body,
      responseBodyBytes: 5,
      startMs: 1,
      firstByteMs: 1.1,
      endMs: 2,
      error: null,
      flags: [],
    });
    await writer.flush();
    expect(writer.stats).toMatchObject({ rowsWritten: 3, rowsFailed: 0 });
    expect(store.frames(session.id)[0]?.payload).toEqual(body);
    expect(store.exchanges(session.id)[0]?.responseBody).toEqual(body);
    expect(store.messages(session.id)[0]?.message).toEqual({
      channel: '/v2/me/calls',
      data: { state: 'Ringing' },
    });
  });

  it('completes an exchange added twice with the later row, and counts rows added after close as failed', async () => {
    const { store, session, writer } = await setup();
    const row = {
      id: writer.nextExchangeId(),
      kind: 'websocket' as const,
      method: 'GET',
      path: '/x',
      query: '',
      requestHeaders: [],
      requestBody: null,
      requestBodyBytes: 0,
      status: 101,
      responseHeaders: [],
      responseBody: null,
      responseBodyBytes: 0,
      startMs: 1,
      firstByteMs: 2,
      endMs: null,
      error: null,
      flags: [],
    };
    writer.addExchange(row);
    await writer.flush();
    writer.addExchange({ ...row, endMs: 9 });
    await writer.close();
    await writer.close();
    expect(store.exchanges(session.id).map((e) => e.endMs)).toEqual([9]);
    writer.addExchange({ ...row, id: 2 });
    expect(writer.stats).toMatchObject({ rowsWritten: 2, rowsFailed: 1 });
  });

  it('continues the ids after the rows already stored for the session', async () => {
    const dbPath = join(tempDir(), 'w.sqlite');
    const store = openStore(dbPath);
    onTestFinished(() => store.close());
    const session = store.createSession(makeSession());
    const before = store.createWriter(session.id);
    const exchangeId = before.nextExchangeId();
    before.addExchange(makeExchange({ id: exchangeId }));
    before.addExchange(makeExchange({ id: before.nextExchangeId() }));
    before.addMessage(makeMessage({ id: before.nextMessageId(), exchangeId }));
    before.addFrame(makeFrame({ id: before.nextFrameId(), exchangeId }));
    await before.close();
    const writer = await startWriter(dbPath, session.id);
    expect([writer.nextExchangeId(), writer.nextMessageId(), writer.nextFrameId()]).toEqual([3, 2, 2]);
    writer.addMessage(makeMessage({ id: 2, exchangeId }));
    await writer.flush();
    expect(writer.stats).toMatchObject({ rowsWritten: 1, rowsFailed: 0 });
    expect(store.messages(session.id).map((m) => m.id)).toEqual([1, 2]);
  });

  it('refuses to start when the file does not hold the session, saying so', async () => {
    await expect(
      OffThreadWriter.start({
        dbPath: join(tempDir(), 'other.sqlite'),
        sessionId: 7,
        batchWindowMs: 5,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/session/);
  });
});
