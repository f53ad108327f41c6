// Public face of the simulator part: a GWS Voice API simulator (REST, CometD, /sim control API).
export { type AgentConfig, DEFAULT_AGENT_PHONE_NUMBER, DEFAULT_AGENTS } from './agents.js';
export type { CallIdsOptions } from './call-ids.js';
export { SIMULATOR_DEFAULTS, type Simulator, type SimulatorOptions, startSimulator } from './server.js';
