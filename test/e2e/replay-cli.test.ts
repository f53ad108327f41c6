// The commands as users run them: gws-vcr simulate, gws-vcr record, then gws-vcr replay with both others stopped.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCliServer } from '../helpers/cli.js';
import { type PlayedSession, playTransfer } from '../helpers/replay-agent.js';
import { tempDir } from '../helpers/store-rows.js';

const callStates = (played: PlayedSession, origin: string) =>
  played.notifications.map((n) => JSON.stringify(n.message.data).replaceAll(origin, 'ORIGIN'));

describe('gws-vcr replay of a gws-vcr record session', () => {
  it('serves the recorded transfer to the official client with the simulator and the recorder stopped', async () => {
    const db = join(tempDir(), 'cli.sqlite');
    const simulator = await spawnCliServer(['simulate', '--port', '0', '--latency', '20']);
    const recorder = await spawnCliServer(['record', '--upstream', simulator.url, '--port', '0', '--db', db]);
    const recorded = await playTransfer(recorder.url, 'long-polling');
    await recorded.client.disconnect();
    expect(await recorder.stop()).toBe(0);
    expect(await simulator.stop()).toBe(0);

    const replay = await spawnCliServer(['replay', '--db', db, '--session', 'latest', '--port', '0']);
    const replayed = await playTransfer(replay.url, 'websocket');
    await replayed.client.disconnect();
    expect(callStates(replayed, replay.url)).toEqual(callStates(recorded, recorder.url));
    expect(replay.stderr()).toMatch(/replaying session 1: 5 requests, 6 notifications/);
    expect(await replay.stop()).toBe(0);
  });
});
