// Every scenario of the scripted agent, recorded from the simulator and replayed with it stopped, by the same code.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AgentTransport,
  connectAgentDesktop,
  SCENARIOS,
  simulatorFarEnd,
} from '../../src/agent/index.js';
import { loadReplaySource, startReplayServer } from '../../src/replay/index.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { startTestSimulator } from '../helpers/simulator.js';

/** Plays every scenario at `origin`; the far end (/sim) goes through the same origin, so it is recorded and replayed. */
const playAll = async (origin: string, transport: AgentTransport): Promise<void> => {
  const agent = await connectAgentDesktop({ baseUrl: origin, transport });
  try {
    for (const scenario of SCENARIOS) {
      await scenario.run({ agent, farEnd: simulatorFarEnd(origin), thinkMs: 0 });
    }
  } finally {
    await agent.close();
  }
};

describe('every agent scenario', () => {
  it.each<[AgentTransport, AgentTransport]>([
    ['long-polling', 'websocket'],
    ['websocket', 'long-polling'],
  ])(
    'recorded over %s plays to the end again on a replay over %s, every notification delivered',
    async (recordedOn, replayedOn) => {
      const simulator = await startTestSimulator({ latencyMs: 5 });
      const { recorder, store } = await startTestRecorder(simulator.url, { name: 'scenarios' });
      await playAll(recorder.url, recordedOn);
      await recorder.close();
      await simulator.close();

      const source = loadReplaySource(store, recorder.sessionId);
      const replay = await startReplayServer({ source, port: 0 });
      onTestFinished(() => replay.close());
      await playAll(replay.url, replayedOn);

      const status = replay.status();
      expect(status.unmatched).toEqual([]);
      expect(status.recorded.notifications).toBeGreaterThan(30);
      expect(status.clients).toHaveLength(1);
      const delivered = status.clients[0]?.delivered ?? [];
      expect(delivered.map((d) => d.rowId)).toEqual(
        [...delivered].sort((a, b) => a.rowId - b.rowId).map((d) => d.rowId),
      );
      expect(delivered.filter((d) => d.isDelivered)).toHaveLength(status.recorded.notifications);
      expect(status.clients[0]?.pending).toEqual([]);
    },
  );
});
