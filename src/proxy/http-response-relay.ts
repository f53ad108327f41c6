// Relays the upstream's response to the client as it streams: headers as sent (hop-by-hop ones dropped), URLs rewritten.
import type { IncomingMessage } from 'node:http';
import { rewriteSetCookie } from './cookies.js';
import { STATE, stateOf, type Tagged } from './http-exchange.js';
import {
  isTextual,
  OriginRewriter,
  originPatterns,
  rewriteLocationFromAny,
  swapsTo,
} from './rewrite-urls.js';

// RFC 9110 §7.6.1: hop-by-hop headers describe one connection, not the message; the proxy's own
// connection to the client gets its own (Node frames the body itself: length, chunked or close).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const hasBody = (method: string | undefined, status: number): boolean =>
  method !== 'HEAD' && status !== 204 && status !== 304 && !(status >= 100 && status < 200);

function onUpstreamAbort(this: IncomingMessage): void {
  const state = stateOf(this);
  // finish() destroys the upstream response of an exchange the client left: that is not the upstream's doing.
  if (!state || state.isFinished || state.res.writableFinished) return;
  state.isUpstreamFailed = true;
  state.flag = 'upstream-reset';
  state.error ??= `upstream ${state.forwarder.upstreamOrigin} reset the connection mid-response`;
  state.res.destroy();
}

export function onUpstreamData(this: IncomingMessage, chunk: Buffer): void {
  const state = stateOf(this);
  if (!state) return;
  state.responseBody.add(chunk);
  const { rewriter } = state;
  if (!rewriter) {
    state.write(chunk);
    return;
  }
  if (state.isHeadPending) {
    // With a known length, the first chunk is usually the whole body: then the rewritten length is exact.
    // Otherwise the length is dropped and the body goes out chunked, rewritten as it streams.
    state.isHeadPending = false;
    if (chunk.length === state.contentLength) {
      // The whole body: headers and body leave in one write, and 'end' has nothing left to do.
      const body = rewriter.rewriteAll(chunk);
      state.headers[state.contentLengthAt + 1] = String(body.length);
      state.isResponseEnded = true;
      if (state.writeHead()) state.res.end(body);
      return;
    }
    state.headers.splice(state.contentLengthAt, 2);
    if (!state.writeHead()) return;
  }
  state.write(rewriter.push(chunk));
}

export function onUpstreamEnd(this: IncomingMessage): void {
  const state = stateOf(this);
  if (!state || state.isResponseEnded) return;
  if (state.isHeadPending && !state.writeHead()) return;
  const tail = state.rewriter?.end();
  state.res.end(tail && tail.length > 0 ? tail : undefined);
}

export const onResponse = (proxyRes: IncomingMessage, req: IncomingMessage): void => {
  const state = stateOf(req);
  if (!state) {
    proxyRes.resume();
    return;
  }
  const { forwarder } = state;
  (proxyRes as Tagged)[STATE] = state;
  state.firstByteMs = forwarder.options.clock.atMs();
  const status = proxyRes.statusCode ?? 502;
  state.status = status;
  state.proxyRes = proxyRes;
  state.rawResponseHeaders = proxyRes.rawHeaders;
  state.statusMessage = proxyRes.statusMessage || undefined; // '' would go out as an empty reason phrase
  const to = state.proxyOrigin;
  // From the raw headers, as proxyRes.headers would hold them (the first Content-Type, Content-Encodings
  // joined): reading proxyRes.headers would build that object for every response just for two values.
  let contentType: string | undefined;
  let encoding: string | undefined;
  const raw = proxyRes.rawHeaders;
  const headers = state.headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    let value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower === 'content-length') state.contentLengthAt = headers.length;
    else if (lower === 'content-type') contentType ??= value;
    else if (lower === 'content-encoding')
      encoding = encoding === undefined ? value : `${encoding}, ${value}`;
    else if (lower === 'location' || lower === 'content-location')
      value = rewriteLocationFromAny(value, forwarder.rewrittenFrom, to);
    else if (lower === 'set-cookie')
      value = rewriteSetCookie(value, { isDowngrade: forwarder.isTlsUpstream });
    headers.push(name, value);
  }
  if (
    hasBody(req.method, status) &&
    isTextual(contentType) &&
    (encoding === undefined || encoding === 'identity')
  ) {
    let patterns = forwarder.patternsByOrigin.get(to);
    if (!patterns) {
      patterns = originPatterns(swapsTo(forwarder.rewrittenFrom, to));
      // Host headers come from clients: keep the cache small whatever they send.
      if (forwarder.patternsByOrigin.size > 64) forwarder.patternsByOrigin.clear();
      forwarder.patternsByOrigin.set(to, patterns);
    }
    if (patterns.pairs.length > 0) state.rewriter = new OriginRewriter(patterns);
  }
  proxyRes.on('aborted', onUpstreamAbort);
  proxyRes.on('error', onUpstreamAbort);
  state.contentLength = state.contentLengthAt === -1 ? -1 : Number(headers[state.contentLengthAt + 1]);
  state.isHeadPending = state.rewriter !== null && state.contentLength > 0;
  if (!state.isHeadPending) {
    if (state.rewriter && state.contentLengthAt !== -1 && state.contentLength !== 0) {
      headers.splice(state.contentLengthAt, 2);
    }
    if (!state.writeHead()) return;
  }
  proxyRes.on('data', onUpstreamData);
  proxyRes.on('end', onUpstreamEnd);
};
