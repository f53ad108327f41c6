import { describe, expect, it, onTestFinished } from 'vitest';
import { type ReplayServerOptions, startReplayServer } from '../../src/replay/index.js';
import {
  delaysAfterRequests,
  type PlayedSession,
  playTransfer,
  type RecordedTransfer,
  recordTransfer,
} from '../helpers/replay-agent.js';
import { basicAuth, request } from '../helpers/simulator.js';

// One recording (long-polling) for every test here; each test replays it with other options.
let recording: Promise<RecordedTransfer> | undefined;
const recorded = (): Promise<RecordedTransfer> => {
  recording ??= recordTransfer('long-polling');
  return recording;
};

const replay = async (over: Partial<ReplayServerOptions> = {}) => {
  const server = await startReplayServer({ source: (await recorded()).source, port: 0, ...over });
  onTestFinished(() => server.close());
  return server;
};

const play = async (url: string, user?: string): Promise<PlayedSession> => {
  const played = await playTransfer(url, 'websocket', user);
  onTestFinished(() => played.client.disconnect());
  return played;
};

const states = (played: PlayedSession) =>
  played.notifications.map((n) => {
    const call = (n.message.data as { call: { id: string; state: string } }).call;
    return `${call.id} ${call.state}`;
  });

describe('replaying a simulator recording', () => {
  it('in strict mode answers a request the recording lacks with the closest recorded ones and what differs', async () => {
    const server = await replay();
    const played = await play(server.url);
    const ringing = played.notifications[0]?.message.data as { call: { uri: string; id: string } };
    const callUri = ringing.call;
    const miss = await request<{ error: string; closest: Array<{ request: string; differences: string[] }> }>(
      callUri.uri,
      { body: { operationName: 'Hold' }, headers: { Authorization: basicAuth('agent5005') } },
    );
    expect(miss.status).toBe(404);
    expect(miss.body.error).toBe('VCR_REPLAY_NO_MATCH');
    expect(miss.body.closest.map((c) => c.request)).toEqual([
      `POST /api/v2/me/calls/${callUri.id} {"operationName":"Answer"}`,
      expect.stringContaining('InitiateTransfer'),
      expect.stringContaining('CompleteTransfer'),
    ]);
    expect(miss.body.closest[0]?.differences).toEqual(['body.operationName: recorded "Answer", got "Hold"']);
    expect(server.status().unmatched).toHaveLength(1);
  });

  it('gives two clients replaying at once the whole session each', async () => {
    const server = await replay();
    const [one, two] = await Promise.all([play(server.url, 'one'), play(server.url, 'two')]);
    const expected = states((await recorded()).played);
    expect(states(one)).toEqual(expected);
    expect(states(two)).toEqual(expected);
    expect(server.status().clients.map((c) => c.delivered.length)).toEqual([6, 6]);
  });

  it('with --speed 10 delivers at a tenth of the recorded delays', async () => {
    const server = await replay({ speed: 10 });
    const played = await play(server.url);
    const recordedDelays = server.status().clients[0]?.delivered.map((d) => d.recordedDelayMs) ?? [];
    const delays = delaysAfterRequests(played);
    expect(delays).toHaveLength(6);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual((recordedDelays[i] as number) / 10 - 2);
    });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(delays)).toBeLessThan(sum(recordedDelays) / 2);
  });

  it('with --jitter moves notifications the same way for the same --seed', async () => {
    const run = async (seed: number) => {
      const server = await replay({ jitterMs: 30, seed });
      const played = await play(server.url);
      const delivered = server.status().clients[0]?.delivered ?? [];
      return { order: states(played), shifts: delivered.map((d) => d.plannedDelayMs - d.recordedDelayMs) };
    };
    const first = await run(11);
    const again = await run(11);
    const other = await run(12);
    expect(first.shifts.some((s) => Math.abs(s) > 0.01)).toBe(true);
    expect(again).toEqual(first);
    expect(other.shifts).not.toEqual(first.shifts);
    expect(first.order).toEqual(states((await recorded()).played));
  });
});
