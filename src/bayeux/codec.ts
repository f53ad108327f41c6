// Reads Bayeux bodies and frames into messages (bad input is a result, never a throw) and builds replies.
import { isRecord } from '../common/is-record.js';
import { isNestedDeeperThan, MAX_JSON_NESTING } from '../common/json-depth.js';
import type { Advice, BayeuxMessage, BayeuxParseResult } from './types.js';

/** Deepest nesting a body may have (see common/json-depth): a deeper message would crash whoever re-encodes it. */
export const MAX_NESTING = MAX_JSON_NESTING;

/**
 * Reads the text of a long-poll body, a `message=` parameter or a WebSocket frame: a JSON array of
 * messages or a single message object. Every message must be an object with a string `channel`;
 * unknown fields are kept as they are. JSON nested deeper than MAX_NESTING is refused.
 */
export const parseBayeuxBody = (text: string): BayeuxParseResult => {
  if (text.trim().length === 0)
    return { ok: false, reason: 'empty body; expected a JSON array of Bayeux messages', isJson: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      reason: `not JSON (${(err as Error).message}); expected a JSON array of Bayeux messages`,
      isJson: false,
    };
  }
  if (isNestedDeeperThan(text, MAX_NESTING)) {
    return {
      ok: false,
      reason: `JSON nested deeper than ${MAX_NESTING} levels; Bayeux messages are shallow`,
      isJson: true,
    };
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const notBayeux = (reason: string): BayeuxParseResult => ({ ok: false, reason, isJson: true });
  if (items.length === 0) return notBayeux('empty array; expected at least one Bayeux message');
  for (const [index, item] of items.entries()) {
    if (!isRecord(item)) return notBayeux(`message ${index} is not an object`);
    if (typeof item.channel !== 'string') return notBayeux(`message ${index} has no string channel`);
  }
  return { ok: true, messages: items as BayeuxMessage[] };
};

export const encodeMessages = (messages: readonly BayeuxMessage[]): string => JSON.stringify(messages);

/** Bayeux §3.10 error strings: `code:args:message`, e.g. `402::Unknown client`. */
export const BayeuxErrors = {
  unknownClient: '402::Unknown client',
  handshakeDenied: '403::Handshake denied',
  subscribeDenied: '403::Subscription denied',
  publishDenied: '403::Publish denied',
  serverClosing: '503::Server closing',
  badRequest: (what: string) => `400::${what}`,
} as const;

/** The reply skeleton to a message: same channel, its id echoed, and the session when known. */
export const replyTo = (message: BayeuxMessage, clientId?: string): BayeuxMessage => {
  const reply: BayeuxMessage = { channel: message.channel };
  // Echo the id as sent: the client matches replies by it (Bayeux §3.2 id).
  if (message.id !== undefined) reply.id = message.id;
  const id = clientId ?? (typeof message.clientId === 'string' ? message.clientId : undefined);
  if (id !== undefined) reply.clientId = id;
  return reply;
};

export const errorReply = (
  message: BayeuxMessage,
  error: string,
  advice?: Advice,
  clientId?: string,
): BayeuxMessage => {
  const reply = replyTo(message, clientId);
  reply.successful = false;
  reply.error = error;
  if (advice !== undefined) reply.advice = advice;
  return reply;
};

/** A Bayeux error for input that could not be read as messages at all (no id to echo). */
export const unreadableInputReply = (reason: string): BayeuxMessage => ({
  channel: '/meta/unsuccessful',
  successful: false,
  error: BayeuxErrors.badRequest(reason),
});
