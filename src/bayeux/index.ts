// Public face of the bayeux part: protocol types, body parsing, channel matching and the Bayeux server.
export { channelMatches, isMetaChannel, isValidChannel } from './channel-match.js';
export { parseBayeuxBody } from './codec.js';
export {
  BAYEUX_SERVER_DEFAULTS,
  BayeuxServer,
  type BayeuxServerEvents,
  type BayeuxServerOptions,
  type PublishOptions,
} from './server.js';
export type {
  Advice,
  BayeuxMessage,
  BayeuxParseResult,
  Reconnect,
  SessionInfo,
  TransportName,
} from './types.js';
