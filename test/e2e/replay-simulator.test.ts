import { describe, expect, it, onTestFinished } from 'vitest';
import { type ReplayServerOptions, type ReplaySource, startReplayServer } from '../../src/replay/index.js';
import type { ClientTransport } from '../helpers/cometd-client.js';
import {
  delaysAfterRequests,
  type PlayedSession,
  playTransfer,
  RECORDING_LATENCY_MS,
  recordTransfer,
} from '../helpers/replay-agent.js';

// Upper bound on how much later than recorded a notification may come: two shared cores, other test runs.
const LATE_MS = 100;
const replay = async (source: ReplaySource, over: Partial<ReplayServerOptions> = {}) => {
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
      expect(recordedDelays.every((d) => d >= RECORDING_LATENCY_MS)).toBe(true);
      expect(server.status().unmatched).toEqual([]);
    });
  },
);
