// Tests use the same official-client wrapper as the demo's scripted agents.
export {
  type ClientTransport,
  type ConnectClientOptions,
  connectClient,
  type TestClient,
} from '../../src/agent/index.js';
