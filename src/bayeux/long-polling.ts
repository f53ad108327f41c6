// Long-polling (and JSONP callback-polling) over HTTP: a JSON array POSTed, /meta/connect held open (Bayeux §5.1).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeMessages, parseBayeuxBody } from './codec.js';
import type { HeldConnect } from './session.js';
import { requestUrl, sendError, type Transport, type TransportHost } from './transport.js';
import type { BayeuxMessage, BayeuxParseResult } from './types.js';

export interface LongPollingOptions {
  /** largest request body read; a bigger one is answered 413 */
  maxBodyBytes: number;
}

// A JSONP callback name is put into the response as code, so only plain identifiers are accepted.
const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]{0,99}$/;

export class LongPollingTransport implements Transport {
  readonly name = 'long-polling' as const;
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly host: TransportHost,
    private readonly options: LongPollingOptions,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    if (this.host.isClosed) {
      sendError(res, 503, 'VCR_BAYEUX_CLOSED', 'the Bayeux server is closing; handshake again later');
      return;
    }
    const url = requestUrl(req);
    if (url === null) {
      sendError(res, 400, 'VCR_BAYEUX_BAD_REQUEST', 'the request target is not a URL');
      return;
    }
    if (req.method === 'GET') {
      const jsonp = url.searchParams.get('jsonp');
      const text = url.searchParams.get('message');
      if (text === null) {
        sendError(res, 400, 'VCR_BAYEUX_BAD_REQUEST', 'a Bayeux GET needs a message= query parameter');
        return;
      }
      this.process(req, res, parseBayeuxBody(text), jsonp);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      sendError(
        res,
        405,
        'VCR_BAYEUX_BAD_REQUEST',
        `Bayeux takes POST (or GET with message=), not ${req.method}`,
      );
      return;
    }
    this.readBody(req, res, (text) => {
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const body = isForm ? new URLSearchParams(text).get('message') : text;
      const parsed: BayeuxParseResult =
        body === null
          ? { ok: false, reason: 'form body without a message field', isJson: false }
          : parseBayeuxBody(body);
      this.process(req, res, parsed, url.searchParams.get('jsonp'));
    });
  }

  async close(): Promise<void> {
    // Held connects were answered when the sessions ended; these are requests still being read.
    for (const res of this.open) sendError(res, 503, 'VCR_BAYEUX_CLOSED', 'the Bayeux server closed');
    this.open.clear();
  }

  private readBody(req: IncomingMessage, res: ServerResponse, onBody: (text: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (isTooLarge) return;
      size += chunk.length;
      if (size > this.options.maxBodyBytes) {
        isTooLarge = true;
        res.setHeader('connection', 'close');
        sendError(res, 413, 'VCR_BAYEUX_BAD_REQUEST', `body over ${this.options.maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!isTooLarge) onBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => this.host.logger.debug({ err }, 'bayeux request body failed'));
  }

  private process(
    req: IncomingMessage,
    res: ServerResponse,
    parsed: BayeuxParseResult,
    jsonp: string | null,
  ): void {
    if (!parsed.ok) {
      this.host.logger.debug({ reason: parsed.reason, url: req.url }, 'bayeux request refused');
      sendError(res, 400, 'VCR_BAYEUX_BAD_REQUEST', `not a Bayeux request: ${parsed.reason}`);
      return;
    }
    if (jsonp !== null && !JSONP_CALLBACK.test(jsonp)) {
      sendError(res, 400, 'VCR_BAYEUX_BAD_REQUEST', 'the jsonp parameter must be a plain identifier');
      return;
    }
    const transport = jsonp === null ? 'long-polling' : 'callback-polling';
    const { replies, connect } = this.host.handleBatch(parsed.messages, { req, transport });
    const respond = (messages: BayeuxMessage[]): void => sendMessages(res, messages, jsonp);
    if (connect === null) {
      respond(replies);
      return;
    }
    const held: HeldConnect = {
      reply: connect.reply,
      complete: (deliveries, reply) => respond([...replies, ...deliveries, reply]),
    };
    // A client that goes away mid-poll leaves its messages queued for its next connect.
    res.once('close', () => {
      if (!res.writableEnded) connect.session.dropHeld(held);
    });
    connect.session.hold(held, connect.timeoutMs);
  }
}

const sendMessages = (res: ServerResponse, messages: BayeuxMessage[], jsonp: string | null): void => {
  if (res.writableEnded || res.destroyed) return;
  const json = encodeMessages(messages);
  res.writeHead(200, {
    'content-type': jsonp === null ? 'application/json;charset=UTF-8' : 'text/javascript;charset=UTF-8',
    'cache-control': 'no-cache, no-store',
  });
  res.end(jsonp === null ? json : `${jsonp}(${json});`);
};
