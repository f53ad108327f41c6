// Turns a recorded exchange into the response a replaying client gets: headers as recorded, secrets freshly minted.
import { randomBytes, randomUUID } from 'node:crypto';
import { REDACTED } from '../common/redacted.js';
import type { Exchange, HeaderList } from '../store/index.js';
import type { OriginRewrite } from './rewrite-origins.js';

export interface LiveResponse {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/** Per-client secrets handed out in place of redacted ones. */
export interface ClientSecrets {
  /** value of the client's session cookie */
  sessionCookie(): string;
  /** a stable value for a redacted header (e.g. X-CSRF-TOKEN), one per header name */
  headerSecret(name: string): string;
}

// Connection-level headers describe the recorded connection, not this one; lengths change with rewriting.
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'proxy-connection',
  'trailer',
]);
const URL_HEADERS = new Set(['location', 'content-location']);

/** A fresh session id the way GWS spells JSESSIONID: 32 upper-case hex digits. */
export const mintSessionId = (): string => randomBytes(16).toString('hex').toUpperCase();
export const mintHeaderSecret = (): string => randomUUID();

const freshSetCookie = (value: string, cookieName: string, secrets: ClientSecrets): string => {
  if (!value.includes(REDACTED)) return value;
  const semicolon = value.indexOf(';');
  const pair = semicolon === -1 ? value : value.slice(0, semicolon);
  const attributes = semicolon === -1 ? '; Path=/; HttpOnly' : value.slice(semicolon);
  const eq = pair.indexOf('=');
  const name = eq === -1 ? cookieName : pair.slice(0, eq).trim();
  const fresh = name === cookieName ? secrets.sessionCookie() : mintSessionId();
  return `${name}=${fresh}${attributes}`;
};

/** A body we may rewrite as text: not compressed, and text by its content type (or without one). */
const isRewritableText = (headers: HeaderList): boolean =>
  headers.every(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === 'content-encoding') return value.trim() === 'identity';
    if (lower === 'content-type') return /json|text|xml|javascript/i.test(value);
    return true;
  });

/**
 * The live response for a recorded exchange: status and headers as recorded (minus connection-level ones),
 * redacted cookies and secrets replaced by this client's own, recorded origins rewritten in URL headers
 * and in uncompressed text bodies. An exchange that never got a response gives null.
 */
export const liveResponse = (
  exchange: Exchange,
  rewrite: OriginRewrite,
  secrets: ClientSecrets,
  sessionCookieName: string,
): LiveResponse | null => {
  if (exchange.status === null) return null;
  const recorded = exchange.responseHeaders ?? [];
  const headers: HeaderList = [];
  for (const [name, value] of recorded) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    if (lower === 'set-cookie') headers.push([name, freshSetCookie(value, sessionCookieName, secrets)]);
    else if (value.includes(REDACTED)) {
      headers.push([name, value.replaceAll(REDACTED, secrets.headerSecret(lower))]);
    } else if (URL_HEADERS.has(lower)) headers.push([name, rewrite.text(value)]);
    else headers.push([name, value]);
  }
  const stored = exchange.responseBody ?? Buffer.alloc(0);
  const body = isRewritableText(recorded) ? Buffer.from(rewrite.text(stored.toString('utf8'))) : stored;
  return { status: exchange.status, headers, body };
};
