import { describe, expect, it, onTestFinished } from 'vitest';
import { loadReplaySource, type ReplayServerOptions, startReplayServer } from '../../src/replay/index.js';
import type { ClientTransport } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { delaysAfterRequests, type PlayedSession, playTransfer } from '../helpers/replay-agent.js';
import { startTestSimulator } from '../helpers/simulator.js';

// Upper bound on how much later than recorded a notification may come: two shared cores, other test runs.
const LATE_MS = 100;
// The simulator's delay between a response and its notifications, so delays have something to compare.
const LATENCY_MS = 40;

/** Records the transfer through the recorder in front of the simulator, then stops both. */
const recordTransfer = async (transport: ClientTransport) => {
  const simulator = await startTestSimulator({ latencyMs: LATENCY_MS });
  const { recorder, store } = await startTestRecorder(simulator.url, { name: `transfer over ${transport}` });
  const played = await playTransfer(recorder.url, transport);
  await played.client.disconnect();
  await recorder.close();
  await simulator.close();
  return { played, source: loadReplaySource(store, recorder.sessionId), recorderUrl: recorder.url };
};

const replay = async (
  source: ReturnType<typeof loadReplaySource>,
  over: Partial<ReplayServerOptions> = {},
) => {
  const server = await startReplayServer({ source, port: 0, ...over });
  onTestFinished(() => server.close());
  return server;
};

/** `value` with every `origin` written as ORIGIN, so what a recording and a replay showed compare. */
const withoutOrigin = (value: unknown, origin: string): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll(origin, 'ORIGIN'));
const seen = (played: PlayedSession, origin: string) =>
  withoutOrigin(
    played.notifications.map((n) => n.message.data),
    origin,
  );
const answers = (played: PlayedSession, origin: string) =>
  withoutOrigin(
    played.requests.map((r) => r.body),
    origin,
  );

const COMBINATIONS: Array<[ClientTransport, ClientTransport]> = [
  ['long-polling', 'websocket'],
  ['websocket', 'long-polling'],
];

describe.each(COMBINATIONS)(
  'a transfer recorded over %s, replayed over %s with the simulator stopped',
  (recordedOn, replayedOn) => {
    it('shows the client the recorded notifications: same ids, same contents, same order, recorded delays', async () => {
      const recording = await recordTransfer(recordedOn);
      const server = await replay(recording.source);
      const replayed = await playTransfer(server.url, replayedOn);
      onTestFinished(() => replayed.client.disconnect());

      expect(replayed.notifications).toHaveLength(6);
      expect(seen(replayed, server.url)).toEqual(seen(recording.played, recording.recorderUrl));
      // The ring request is answered with the recorded call id, so the client posts to recorded ids.
      expect(answers(replayed, server.url)).toEqual(answers(recording.played, recording.recorderUrl));

      // Each notification's delay after the request that caused it, on the recording and here.
      const recordedDelays = server.status().clients[0]?.delivered.map((d) => d.recordedDelayMs) ?? [];
      const replayedDelays = delaysAfterRequests(replayed);
      expect(replayedDelays).toHaveLength(recordedDelays.length);
      replayedDelays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual((recordedDelays[i] as number) - 2);
        expect(delay).toBeLessThan((recordedDelays[i] as number) + LATE_MS);
      });
      expect(recordedDelays.every((d) => d >= LATENCY_MS)).toBe(true);
      expect(server.status().unmatched).toEqual([]);
    });
  },
);
