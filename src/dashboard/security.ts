// Who may reach the dashboard: loopback binding unless a token is set, the token check, and the headers every reply carries.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieValue } from '../common/cookies.js';
import { errorBody, VcrError } from '../common/errors.js';

export const TOKEN_COOKIE = 'gws_vcr_token';

/**
 * The pages load only their own files: no inline script or style, no plugins, no framing.
 * `img-src data:` is for the browser's own favicon fallback; `connect-src 'self'` covers fetch and EventSource.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every reply, error or not; also written by hand on hijacked replies (event streams). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and "localhost": names only this machine can reach. */
export const isLoopbackHost = (host: string): boolean => {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
};

/** Refuses to serve recorded traffic (secrets redacted or not) beyond this machine without a token. */
export const assertSafeBinding = (host: string, token: string | undefined): void => {
  if (isLoopbackHost(host) || (token !== undefined && token !== '')) return;
  throw new VcrError(
    'VCR_DASHBOARD_UNSAFE_HOST',
    `refusing to serve the dashboard on ${host} without a token: anyone who can reach it would read the recordings`,
    {
      hint: 'Pass --token SECRET (then open http://HOST:PORT/?token=SECRET), or bind a loopback address such as 127.0.0.1.',
    },
  );
};

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal). */
const tokenMatches = (given: string | undefined, token: string): boolean =>
  given !== undefined && timingSafeEqual(digest(given), digest(token));

/** A cookie's value, percent-decoded as the page's `document.cookie` write encoded it; undefined if absent or malformed. */
const decodedCookie = (header: string | undefined, name: string): string | undefined => {
  const raw = cookieValue(header, name);
  try {
    return raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    return undefined;
  }
};

const bearer = (header: string | undefined): string | undefined => {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
};

const queryToken = (request: FastifyRequest): string | undefined => {
  const value = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' ? value : undefined;
};

/** The request's Host header names this machine (a DNS-rebinding page would send its own name). */
const hostHeaderIsLoopback = (request: FastifyRequest): boolean => {
  const host = request.headers.host;
  if (host === undefined) return true; // HTTP/1.0 clients and inject() may omit it; nothing to rebind
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return isLoopbackHost(name);
};

const deny = (reply: FastifyReply, status: number, message: string): FastifyReply =>
  reply.code(status).type('application/json').send(errorBody('VCR_DASHBOARD_UNAUTHORIZED', message));

export interface SecurityOptions {
  token?: string;
}

/**
 * Adds the security headers to every reply, and checks every request: with a token, that it carries it
 * (a valid `?token=` also sets a cookie, and a page URL is redirected without it so it leaves the address bar);
 * without one, that its Host header is a loopback name. Install it on the root instance before any route.
 */
export const installSecurity = (app: FastifyInstance, options: SecurityOptions): void => {
  const token = options.token === '' ? undefined : options.token;
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (token === undefined) {
      if (!hostHeaderIsLoopback(request)) {
        return deny(reply, 403, 'this dashboard answers only requests addressed to localhost or 127.0.0.1');
      }
      return;
    }
    if (tokenMatches(bearer(request.headers.authorization), token)) return;
    if (tokenMatches(decodedCookie(request.headers.cookie, TOKEN_COOKIE), token)) return;
    if (tokenMatches(queryToken(request), token)) {
      reply.header(
        'set-cookie',
        `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
      );
      if (request.method === 'GET' && !request.url.startsWith('/api/')) {
        const url = new URL(request.url, 'http://dashboard.invalid');
        url.searchParams.delete('token');
        return reply.redirect(`${url.pathname}${url.search}`, 303);
      }
      return;
    }
    return deny(
      reply,
      401,
      'this dashboard needs its token: open it as /?token=TOKEN, or send Authorization: Bearer TOKEN',
    );
  });
};
