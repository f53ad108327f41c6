// Every demo scenario played by the scripted agent against the real simulator, on both transports.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AgentTransport,
  connectAgentDesktop,
  SCENARIOS,
  simulatorFarEnd,
} from '../../src/agent/index.js';
import type { Call } from '../../src/gws/index.js';
import { startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: AgentTransport[] = ['long-polling', 'websocket'];

describe.each(TRANSPORTS)('scripted agent scenarios over %s', (transport) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    'plays %s to the end against the simulator',
    async (_, scenario) => {
      const simulator = await startTestSimulator();
      const agent = await connectAgentDesktop({ baseUrl: simulator.url, transport });
      onTestFinished(() => agent.close());
      expect(agent.phoneNumber).toBe('5005');
      await scenario.run({ agent, farEnd: simulatorFarEnd(simulator.url), thinkMs: 0 });
    },
  );

  it('logs in as the agent its Basic user names, and sees only that agent’s calls', async () => {
    const simulator = await startTestSimulator();
    const other = await connectAgentDesktop({ baseUrl: simulator.url, transport, user: '15000' });
    const me = await connectAgentDesktop({ baseUrl: simulator.url, transport });
    onTestFinished(async () => {
      await other.close();
      await me.close();
    });
    expect(other.phoneNumber).toBe('15000');
    const farEnd = simulatorFarEnd(simulator.url);
    const id = await farEnd.ring('15000', '15001');
    const ringing: Call = await other.nextCall((c) => c.id === id);
    expect(ringing.state).toBe('Ringing');
    await expect(me.nextCall((c) => c.id === id, 300)).rejects.toThrow(/no message/);
  });
});
