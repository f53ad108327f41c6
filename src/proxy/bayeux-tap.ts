// Decodes the Bayeux messages in a long-poll body, a callback-polling parameter or a WebSocket frame into rows.
import { type BayeuxMessage, parseBayeuxBody } from '../bayeux/index.js';
import type { Direction, MessageTransport, NewBayeuxRow, RowFlag } from '../store/index.js';

/** Where a body's messages came from and when they passed. */
export interface TapContext {
  direction: Direction;
  transport: MessageTransport;
  exchangeId: number | null;
  atMs: number;
}

/** Messages read from one body, or the flag saying why none could be read. */
export type TapResult =
  | { messages: BayeuxMessage[]; flag: null }
  | { messages: []; flag: RowFlag; reason: string };

/**
 * Reads one body. Bad input is a result: text that is not JSON is 'malformed-json', JSON that is not
 * Bayeux messages is 'not-bayeux'; the caller relays it unchanged and stores it raw, flagged.
 */
export const readBayeux = (text: string): TapResult => {
  const result = parseBayeuxBody(text);
  if (result.ok) return { messages: result.messages, flag: null };
  return { messages: [], flag: result.isJson ? 'not-bayeux' : 'malformed-json', reason: result.reason };
};

// Callback-polling (Bayeux §4.2): the request carries its messages in `message=`, the response is JSONP.
const JSONP = /^\s*[\w$.]+\s*\(([\s\S]*)\)\s*;?\s*$/;

/** The JSON inside a JSONP response (`cb([...])`); the text itself when it is not JSONP. */
export const unwrapJsonp = (text: string): string => JSONP.exec(text)?.[1] ?? text;

/** The `message` parameter of a callback-polling GET; null when there is none. */
export const callbackPollingMessages = (query: string): string | null =>
  query.length === 0 ? null : new URLSearchParams(query).get('message');

/** One row per message, ids allocated in order, stamped with the context's time. */
export const toMessageRows = (
  messages: readonly BayeuxMessage[],
  context: TapContext,
  nextId: () => number,
): NewBayeuxRow[] =>
  messages.map((message) => ({
    id: nextId(),
    exchangeId: context.exchangeId,
    direction: context.direction,
    transport: context.transport,
    atMs: context.atMs,
    ...messageFields(message),
  }));

/** The fields of a message row read from the message itself: channel, clientId, id, successful, and the message. */
export const messageFields = (
  message: BayeuxMessage,
): Pick<NewBayeuxRow, 'channel' | 'clientId' | 'messageId' | 'successful' | 'message'> => ({
  channel: typeof message.channel === 'string' ? message.channel : null,
  clientId: stringOrNull(message.clientId),
  messageId: stringOrNull(message.id),
  successful: typeof message.successful === 'boolean' ? message.successful : null,
  message: message as Record<string, unknown>,
});

const stringOrNull = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
