// Builds a simulator's switchboard without a server, on a hand-driven clock, for unit tests of the voice model.
import type { Clock } from '../../src/common/clock.js';
import { type Agent, type AgentConfig, AgentDirectory, DEFAULT_AGENTS } from '../../src/simulator/agents.js';
import { type CallIdsOptions, createCallIds } from '../../src/simulator/call-ids.js';
import { CallModel, type SimCall } from '../../src/simulator/call-model.js';
import { Switchboard } from '../../src/simulator/switchboard.js';

export interface ManualClock extends Clock {
  advanceSeconds(seconds: number): void;
}

export const manualClock = (): ManualClock => {
  let nowMs = 1_000_000;
  return {
    nowMs: () => nowMs,
    wallMs: () => nowMs,
    advanceSeconds: (seconds) => {
      nowMs += seconds * 1000;
    },
  };
};

export interface TestSwitchboard {
  board: Switchboard;
  model: CallModel;
  agents: AgentDirectory;
  clock: ManualClock;
}

export const makeSwitchboard = (
  options: { ids?: CallIdsOptions; agents?: readonly AgentConfig[]; origin?: string } = {},
): TestSwitchboard => {
  const clock = manualClock();
  const agents = new AgentDirectory(options.agents ?? DEFAULT_AGENTS, '5005');
  const model = new CallModel(createCallIds(options.ids), clock);
  const origin = options.origin ?? 'http://127.0.0.1:8080';
  return { board: new Switchboard({ agents, model, origin: () => origin }), model, agents, clock };
};

/** An internal call from 5000 ringing on `agent`'s DN (the dnis, 5005 unless told). */
export const createRingingCall = (model: CallModel, agent: Agent, dnis = '5005'): SimCall =>
  model.create({ agent, state: 'Ringing', callType: 'Internal', participants: ['5000'], dnis });

/** A transfer consult `agent` is dialing to 5001 from `parent`. */
export const createTransferConsult = (model: CallModel, agent: Agent, parent: SimCall): SimCall =>
  model.create({
    agent,
    state: 'Dialing',
    callType: 'Consult',
    participants: ['5001'],
    dnis: '5001',
    parentId: parent.id,
    consultKind: 'transfer',
  });
