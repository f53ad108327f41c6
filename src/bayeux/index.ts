// Public face of the bayeux part: protocol types, body parsing, channel matching and the Bayeux server.
export { channelMatches, isValidChannel } from './channel-match.js';
export type { Advice, BayeuxMessage, BayeuxParseResult, Reconnect, TransportName } from './types.js';
