// Reads the REST operations of a session from its exchanges: `{"operationName": ...}` requests and their statusCode.
import { isRecord } from '../common/is-record.js';
import { underPath } from '../common/under-path.js';
import { callIdFromUri } from '../gws/index.js';
import { decodeContentEncoding, type Exchange, type HeaderList } from '../store/index.js';
import { str } from './read-notification.js';
import { readResourcePath } from './resource-paths.js';
import type { Operation, OperationParams } from './types.js';

export interface ReadOperationsResult {
  /** sorted by request start */
  operations: Operation[];
  exchanges: number;
  malformedRequests: number;
  unreadableResponses: number;
  /** the latest time any exchange reached */
  endMs: number;
}

/** Bodies are stored as sent, so a compressed response is decoded before reading it; bad bytes give null. */
const bodyText = (body: Buffer | null, headers: HeaderList | null): string | null => {
  if (!body || body.length === 0) return null;
  try {
    return (decodeContentEncoding(body, headers)?.body ?? body).toString('utf8');
  } catch {
    return null;
  }
};

const parseJson = (text: string | null): unknown => {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const uriCallId = (value: unknown): string | null => {
  const uri = str(value);
  return uri === null ? null : (callIdFromUri(uri) ?? uri);
};

const readParams = (body: Record<string, unknown>): OperationParams => ({
  destination: isRecord(body.destination) ? str(body.destination.phoneNumber) : str(body.destination),
  consultCallId: uriCallId(body.consultCallUri),
  otherCallId: uriCallId(body.otherCallUri),
  participant: str(body.participant),
});

const isAccepted = (statusCode: number | null, httpStatus: number | null): boolean =>
  statusCode !== null ? statusCode === 0 : httpStatus !== null && httpStatus >= 200 && httpStatus < 300;

const latency = (exchange: Exchange): number | null => {
  const to = exchange.firstByteMs ?? exchange.endMs;
  return to === null ? null : to - exchange.startMs;
};

/**
 * The operations among a session's exchanges. Bayeux and WebSocket exchanges, and anything under the
 * notifications path, are skipped without reading their bodies; a POST whose body is not JSON with an
 * `operationName` is counted as malformed, never thrown.
 */
export const readOperations = (
  exchanges: Iterable<Exchange>,
  notificationsPath: string,
): ReadOperationsResult => {
  const operations: Operation[] = [];
  let count = 0;
  let malformedRequests = 0;
  let unreadableResponses = 0;
  let endMs = 0;
  const isNotifications = underPath(notificationsPath);
  for (const exchange of exchanges) {
    count++;
    endMs = Math.max(endMs, exchange.endMs ?? exchange.firstByteMs ?? exchange.startMs);
    if (exchange.kind !== 'http' || exchange.method.toUpperCase() !== 'POST') continue;
    if (isNotifications(exchange.path)) continue;
    const where = readResourcePath(exchange.path);
    const body = parseJson(bodyText(exchange.requestBody, exchange.requestHeaders));
    if (!isRecord(body) || typeof body.operationName !== 'string') {
      // only GWS resources are expected to carry an operationName; other POSTs (/sim/calls) are not operations
      if (where.resource !== 'other') malformedRequests++;
      continue;
    }
    const response = parseJson(bodyText(exchange.responseBody, exchange.responseHeaders));
    const statusCode =
      isRecord(response) && typeof response.statusCode === 'number' ? response.statusCode : null;
    if (statusCode === null && exchange.status !== null) unreadableResponses++;
    operations.push({
      exchangeId: exchange.id,
      operationName: body.operationName,
      method: exchange.method,
      path: exchange.path,
      resource: where.resource,
      callId: where.callId,
      params: readParams(body),
      startMs: exchange.startMs,
      firstByteMs: exchange.firstByteMs,
      endMs: exchange.endMs,
      latencyMs: latency(exchange),
      httpStatus: exchange.status,
      statusCode,
      statusMessage: isRecord(response) ? str(response.statusMessage) : null,
      isAccepted: isAccepted(statusCode, exchange.status),
      notifications: [],
      expectations: [],
    });
  }
  // stable: requests that started at the same time keep their id order
  operations.sort((a, b) => a.startMs - b.startMs || a.exchangeId - b.exchangeId);
  return { operations, exchanges: count, malformedRequests, unreadableResponses, endMs };
};

/**
 * How a refused request is worded everywhere: in its `request-failed` anomaly and in the problem of the transfer
 * or conference it broke. The operation, then what went wrong: no response, its statusCode, or an HTTP status
 * without a statusCode; then GWS's statusMessage, if any, which a body without a readable statusCode may still
 * carry. `where` goes right after the operation's name, e.g. " on call X at 12.0 ms".
 */
export const operationFailure = (op: Operation, where = ''): string => {
  if (op.httpStatus === null) return `${op.operationName}${where} got no response`;
  const why =
    op.statusCode !== null
      ? `failed with statusCode ${op.statusCode}`
      : `failed with HTTP ${op.httpStatus} and no statusCode`;
  return `${op.operationName}${where} ${why}${op.statusMessage ? `: ${op.statusMessage}` : ''}`;
};
