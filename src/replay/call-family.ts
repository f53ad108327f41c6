// Which calls a recorded request or notification is about: call ids read from paths, URIs, bodies and responses.
import { callIdFromUri } from '../gws/index.js';
import type { BayeuxRow, Exchange } from '../store/index.js';
import { isJsonObject, type JsonValue, tryParseJson } from './json-data.js';

/** Body fields of an operation that name another call by URI (SwapCalls, CompleteTransfer, ...). */
const REQUEST_CALL_FIELDS = ['otherCallUri', 'consultCallUri', 'parentCallUri', 'callUri'] as const;

/** Response fields naming a call: `POST /sim/calls` answers `{"id"}`, a Dial may answer a call or its URI. */
const RESPONSE_ID_FIELDS = ['id'] as const;
const RESPONSE_URI_FIELDS = ['uri', 'callUri'] as const;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Methods that read: they cause no notification, so they never anchor one. */
export const isReadMethod = (method: string): boolean => READ_METHODS.has(method.toUpperCase());

const idsIn = (value: JsonValue | undefined, ids: Set<string>): void => {
  if (!isJsonObject(value)) return;
  for (const field of RESPONSE_ID_FIELDS) {
    const id = value[field];
    if (typeof id === 'string' && id !== '') ids.add(id);
  }
  for (const field of RESPONSE_URI_FIELDS) {
    const uri = value[field];
    const id = typeof uri === 'string' ? callIdFromUri(uri) : null;
    if (id !== null) ids.add(id);
  }
};

const jsonOf = (body: Buffer | null): JsonValue | undefined =>
  body === null || body.length === 0 ? undefined : tryParseJson(body.toString('utf8'));

/**
 * Calls a recorded request acts on: the call its path targets, calls its body names by URI, and calls its
 * response names (`{"id"}`, `{"call":{"id"}}`, a `uri`). Empty for reads, which change no call.
 */
export const callsOfRequest = (exchange: Exchange): Set<string> => {
  const ids = new Set<string>();
  if (isReadMethod(exchange.method)) return ids;
  const target = callIdFromUri(exchange.path);
  if (target !== null) ids.add(target);
  const body = jsonOf(exchange.requestBody);
  if (isJsonObject(body)) {
    for (const field of REQUEST_CALL_FIELDS) {
      const uri = body[field];
      const id = typeof uri === 'string' ? callIdFromUri(uri) : null;
      if (id !== null) ids.add(id);
    }
  }
  const response = jsonOf(exchange.responseBody);
  idsIn(response, ids);
  if (isJsonObject(response)) idsIn(response.call, ids);
  return ids;
};

/** The call a notification is about, and its parent for a consult call; null when it is about no call. */
export interface NotifiedCall {
  id: string;
  parentId: string | null;
  state: string | null;
}

/** Reads `data.call` (id, state, parentCallUri or parentCallPath), else `data.callUri` of an ErrorMessage. */
export const notifiedCall = (message: Record<string, unknown>): NotifiedCall | null => {
  const data = message.data as JsonValue | undefined;
  if (!isJsonObject(data)) return null;
  const call = data.call;
  if (isJsonObject(call) && typeof call.id === 'string' && call.id !== '') {
    const parentUri = typeof call.parentCallUri === 'string' ? call.parentCallUri : call.parentCallPath;
    return {
      id: call.id,
      parentId: typeof parentUri === 'string' ? callIdFromUri(parentUri) : null,
      state: typeof call.state === 'string' ? call.state : null,
    };
  }
  const id = typeof data.callUri === 'string' ? callIdFromUri(data.callUri) : null;
  return id === null ? null : { id, parentId: null, state: null };
};

/**
 * Consult links of a whole recording (ids are never reused, so later notifications may tell about earlier
 * ones): the family of a call is itself, its parent, and its consult calls.
 */
export class CallFamilies {
  private readonly parentOf = new Map<string, string>();
  private readonly consultsOf = new Map<string, Set<string>>();

  constructor(messages: Iterable<BayeuxRow>) {
    for (const row of messages) {
      if (row.direction !== 'to-client') continue;
      const call = notifiedCall(row.message);
      if (call?.parentId == null || call.parentId === call.id) continue;
      this.parentOf.set(call.id, call.parentId);
      const consults = this.consultsOf.get(call.parentId);
      if (consults) consults.add(call.id);
      else this.consultsOf.set(call.parentId, new Set([call.id]));
    }
  }

  /** `callId`, its parent and its consults. */
  familyOf(callId: string): Set<string> {
    const family = new Set([callId, ...(this.consultsOf.get(callId) ?? [])]);
    const parent = this.parentOf.get(callId);
    if (parent !== undefined) family.add(parent);
    return family;
  }
}
