// Public face of the agent part: a scripted GWS agent desktop on the official CometD client, and the demo's scenarios.
export { type AgentDesktopOptions, connectAgentDesktop, simulatorFarEnd } from './agent-desktop.js';
export {
  type ClientTransport,
  type ConnectClientOptions,
  connectClient,
  type TestClient,
} from './cometd-client.js';
export * from './scenarios.js';
export type * from './types.js';
