// Security: a replay bound to every interface serves its recording to other hosts, but its inspection API (/__vcr) only to loopback, unless asked.
import { networkInterfaces } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startReplayServer } from '../../src/replay/index.js';
import { send } from '../helpers/recorder.js';
import { storedTransferSource } from '../helpers/replay-rows.js';

/** An address of this host that is not loopback: requests to it arrive from it, as from another host. */
const OFF_LOOPBACK = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

const startOnAllInterfaces = async (isInspectionPublic: boolean): Promise<number> => {
  const replay = await startReplayServer({
    source: storedTransferSource(),
    port: 0,
    host: '0.0.0.0',
    isInspectionPublic,
  });
  onTestFinished(() => replay.close());
  return Number(new URL(replay.url).port);
};

describe.skipIf(OFF_LOOPBACK === undefined)(`replay inspection API seen from ${OFF_LOOPBACK}`, () => {
  it('refuses status and reset off loopback with 403 saying how to allow it, whatever the headers claim', async () => {
    const port = await startOnAllInterfaces(false);
    const off = `http://${OFF_LOOPBACK}:${port}`;
    // the recording itself is served to other hosts: that is what a replay is for
    expect((await send(`${off}/api/v2/me`)).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/__vcr/status'],
      ['POST', '/__vcr/reset'],
    ] as const) {
      const reply = await send(`${off}${path}`, {
        method,
        headers: { 'X-Forwarded-For': '127.0.0.1', Host: `127.0.0.1:${port}` },
      });
      expect(reply.status, path).toBe(403);
      expect(JSON.parse(reply.text)).toMatchObject({
        error: 'VCR_REPLAY_LOCAL_ONLY',
        hint: expect.stringContaining('--inspect-public'),
      });
    }
    expect((await send(`http://127.0.0.1:${port}/__vcr/status`)).status).toBe(200);
  });

  it('serves them off loopback when started with --inspect-public', async () => {
    const port = await startOnAllInterfaces(true);
    const off = `http://${OFF_LOOPBACK}:${port}`;
    expect((await send(`${off}/__vcr/status`)).status).toBe(200);
    const reset = await send(`${off}/__vcr/reset`, { method: 'POST' });
    expect(JSON.parse(reset.text)).toMatchObject({ reset: true });
  });
});
