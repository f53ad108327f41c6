// What both forwarders capture alike: the request target's path and query, header pairs, and the proxy's own error answers.
import type { IncomingMessage } from 'node:http';
import { type ErrorCode, errorBody } from '../common/errors.js';
import { splitTarget } from '../common/under-path.js';
import type { HeaderList } from '../store/index.js';
import type { CapturedExchange } from './types.js';

/** Node's raw header list (name, value, name, value, ...) as pairs, in order, duplicates kept. */
export const pairHeaders = (raw: readonly string[]): HeaderList => {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i] as string, raw[i + 1] as string]);
  return list;
};

/** The request as the client sent it: method, path and raw query (without '?'), headers as pairs. */
export const requestLine = (
  req: IncomingMessage,
): Pick<CapturedExchange, 'method' | 'path' | 'query' | 'requestHeaders'> => {
  const { path, query } = splitTarget(req.url ?? '/');
  return { method: req.method ?? 'GET', path, query, requestHeaders: pairHeaders(req.rawHeaders) };
};

/** An answer the proxy gives itself: the JSON error body every gws-vcr server uses, and its raw headers. */
export interface ErrorAnswer {
  body: Buffer;
  /** raw list, as Node's writeHead takes it: Content-Type and Content-Length */
  rawHeaders: string[];
}

export const errorAnswer = (
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ErrorAnswer => {
  const body = Buffer.from(JSON.stringify(errorBody(code, message, details)));
  return { body, rawHeaders: ['Content-Type', 'application/json', 'Content-Length', String(body.length)] };
};

/**
 * Node's codes for a TLS certificate it would not take (OpenSSL's verify errors, and a name mismatch): the
 * connection stopped at the handshake, so no request reached the upstream.
 */
const isCertificateRefusal = (err: Error): boolean => {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return code.includes('CERT') || code.includes('SELF_SIGNED') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
};

/** What to do about an upstream the proxy could not reach, by why; both forwarders answer with it. */
export const unreachableHint = (err: Error): string =>
  isCertificateRefusal(err)
    ? 'its TLS certificate did not verify: trust its CA with NODE_EXTRA_CA_CERTS=ca.pem, or restart the ' +
      "recorder without --verify-upstream to take any certificate (a lab's self-signed one)"
    : 'check that the upstream is running and that --upstream points at it';
