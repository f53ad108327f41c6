// Runs the Bayeux contract against our server on both transports, and against cometd-nodejs-server to check the contract.
import { bayeuxServerContract } from './contract.js';
import { startForeignServer } from './foreign-server.js';
import { startBayeuxServer } from './start-server.js';

bayeuxServerContract('BayeuxServer', (options) => startBayeuxServer(options), 'long-polling');
bayeuxServerContract('BayeuxServer', (options) => startBayeuxServer(options), 'websocket');
bayeuxServerContract('cometd-nodejs-server', (options) => startForeignServer(options), 'long-polling');
