// Turns what the forwarders captured into the rows the recorder emits: redacted, flagged, Bayeux decoded.
import type { BayeuxMessage } from '../bayeux/index.js';
import type { HeaderList, NewBayeuxRow, NewExchange, NewFrameRow, RowFlag } from '../store/index.js';
import {
  callbackPollingMessages,
  readBayeux,
  type TapContext,
  toMessageRows,
  unwrapJsonp,
} from './bayeux-tap.js';
import { openCodedBody } from './coded-body.js';
import type { Redactor } from './redactor.js';
import type { CapturedExchange, CapturedFrame, IdSource } from './types.js';

const addFlag = (flags: RowFlag[], flag: RowFlag): void => {
  if (!flags.includes(flag)) flags.push(flag);
};

/** A body's messages, redacted; `body` is the stored body (re-serialized only if a message was redacted). */
interface DecodedBody {
  body: Buffer | null;
  rows: NewBayeuxRow[];
  flag: RowFlag | null;
  isRedacted: boolean;
}

/**
 * Builds rows for one session. Redaction happens here, off the forwarding path and before anything is
 * emitted: every row that leaves this class is safe to show and to store.
 */
export class RowBuilder {
  readonly #redactor: Redactor;
  readonly #ids: IdSource;
  readonly #maxDecodedBytes: number;

  /** `maxDecodedBytes`: what a content-encoded body may decode to before it is withheld (--max-body) */
  constructor(redactor: Redactor, ids: IdSource, maxDecodedBytes: number) {
    this.#redactor = redactor;
    this.#ids = ids;
    this.#maxDecodedBytes = maxDecodedBytes;
  }

  exchange(c: CapturedExchange): { exchange: NewExchange; messages: NewBayeuxRow[] } {
    const r = this.#redactor;
    const flags = [...c.flags];
    // The response may name the CSRF header (X-CSRF-HEADER); learn it before redacting either side.
    r.learnFromResponse(c.responseHeaders);
    const requestHeaders = r.headers(c.requestHeaders);
    const responseHeaders = r.headers(c.responseHeaders);
    const path = r.text(c.path);
    const query = r.text(c.query);
    // Written out, not spread from one shared options object: on this per-exchange path the spreads made
    // building a REST row several times slower (commit 612916c).
    const isRedacting = !r.isOff;
    const maxBytes = this.#maxDecodedBytes;
    const codedRequest = openCodedBody(c.requestBody, c.requestHeaders, {
      isCut: c.isRequestTruncated,
      isRedacting,
      maxBytes,
    });
    const codedResponse = openCodedBody(c.responseBody, c.responseHeaders, {
      isCut: c.isResponseTruncated,
      isRedacting,
      maxBytes,
    });
    const requestContent = codedRequest ? codedRequest.content : c.requestBody;
    const responseContent = codedResponse ? codedResponse.content : c.responseBody;
    let isRedacted =
      requestHeaders.isRedacted ||
      responseHeaders.isRedacted ||
      path.isRedacted ||
      query.isRedacted ||
      codedRequest?.isWithheld === true ||
      codedResponse?.isWithheld === true;
    const messages: NewBayeuxRow[] = [];
    let request: { body: Buffer | null; isRedacted: boolean };
    let response: { body: Buffer | null; isRedacted: boolean };

    if (c.kind === 'bayeux') {
      const param = c.method === 'GET' ? callbackPollingMessages(c.query) : null;
      const decodedRequest = this.#decode(
        param === null ? requestContent : Buffer.from(param),
        c.isRequestTruncated,
        {
          direction: 'to-server',
          transport: 'long-polling',
          exchangeId: c.id,
          atMs: c.requestEndMs ?? c.startMs,
        },
        false,
        !c.isRequestRecorded,
      );
      // Only a successful answer holds messages: an error page or the proxy's own 502 is not Bayeux.
      const isAnswer =
        c.status !== null && c.status >= 200 && c.status < 300 && !c.flags.includes('upstream-reset');
      const decodedResponse = isAnswer
        ? this.#decode(
            responseContent,
            c.isResponseTruncated,
            {
              direction: 'to-client',
              transport: 'long-polling',
              exchangeId: c.id,
              atMs: c.endMs ?? c.firstByteMs ?? c.startMs,
            },
            c.method === 'GET',
          )
        : {
            ...this.#plain(responseContent, c.responseHeaders, c.isResponseTruncated),
            rows: [],
            flag: null,
          };
      request = param === null ? decodedRequest : this.#plain(requestContent, null, c.isRequestTruncated);
      response = decodedResponse;
      messages.push(...decodedRequest.rows, ...decodedResponse.rows);
      for (const flag of [decodedRequest.flag, decodedResponse.flag]) if (flag) addFlag(flags, flag);
      isRedacted ||= decodedRequest.isRedacted;
    } else {
      request = this.#plain(requestContent, c.requestHeaders, c.isRequestTruncated);
      response = this.#plain(responseContent, c.responseHeaders, c.isResponseTruncated);
    }
    isRedacted ||= request.isRedacted || response.isRedacted;
    if (isRedacted) addFlag(flags, 'redacted');
    const requestBody = codedRequest ? codedRequest.stored(request.body, request.isRedacted) : request.body;
    const responseBody = codedResponse
      ? codedResponse.stored(response.body, response.isRedacted)
      : response.body;

    return {
      exchange: {
        id: c.id,
        kind: c.kind,
        method: c.method,
        path: path.text,
        query: query.text,
        requestHeaders: requestHeaders.headers,
        requestBody,
        requestBodyBytes: c.requestBodyBytes,
        status: c.status,
        responseHeaders: responseHeaders.headers,
        responseBody,
        responseBodyBytes: c.responseBodyBytes,
        startMs: c.startMs,
        firstByteMs: c.firstByteMs,
        endMs: c.endMs,
        error: c.error,
        flags,
      },
      messages,
    };
  }

  frame(f: CapturedFrame): { frame: NewFrameRow; messages: NewBayeuxRow[] } {
    const flags: RowFlag[] = f.isTruncated ? ['truncated'] : [];
    let payload: Buffer;
    let messages: NewBayeuxRow[] = [];
    let isRedacted: boolean;
    if (f.isBayeux) {
      const decoded = this.#decode(
        f.payload,
        f.isTruncated,
        { direction: f.direction, transport: 'websocket', exchangeId: f.exchangeId, atMs: f.atMs },
        false,
      );
      payload = decoded.body ?? Buffer.alloc(0);
      messages = decoded.rows;
      isRedacted = decoded.isRedacted;
      if (decoded.flag) addFlag(flags, decoded.flag);
    } else {
      const result = this.#redactor.frame(f.payload, f.opcode, f.isTruncated);
      payload = result.data ?? Buffer.alloc(0);
      isRedacted = result.isRedacted;
    }
    if (isRedacted) addFlag(flags, 'redacted');
    return {
      frame: {
        id: f.id,
        exchangeId: f.exchangeId,
        direction: f.direction,
        opcode: f.opcode,
        atMs: f.atMs,
        payload,
        payloadBytes: f.payloadBytes,
        flags,
      },
      messages,
    };
  }

  #plain(
    body: Buffer | null,
    headers: HeaderList | null,
    isCut: boolean,
  ): { body: Buffer | null; isRedacted: boolean } {
    const result = this.#redactor.body(body, headers, isCut);
    return { body: result.data, isRedacted: result.isRedacted };
  }

  /** `isRowsWanted` false: the messages were emitted as rows already (a held long-poll's request); none again. */
  #decode(
    body: Buffer | null,
    isTruncated: boolean,
    context: TapContext,
    isJsonp: boolean,
    isRowsWanted = true,
  ): DecodedBody {
    // A cut body cannot be read; it is stored as far as it goes (its secret keys still redacted in the
    // text) and flagged 'truncated' by the caller.
    if (isTruncated) {
      const cut = this.#redactor.bytes(body, true, true);
      return { body: cut.data, rows: [], flag: null, isRedacted: cut.isRedacted };
    }
    const scrubbed = this.#redactor.bytes(body, false);
    if (!scrubbed.data || scrubbed.data.length === 0) {
      return { body: scrubbed.data, rows: [], flag: null, isRedacted: scrubbed.isRedacted };
    }
    const text = scrubbed.data.toString('utf8');
    const read = readBayeux(isJsonp ? unwrapJsonp(text) : text);
    if (read.flag) {
      // Not Bayeux, maybe still JSON: its secret keys go too.
      const plain = this.#redactor.bytes(scrubbed.data, true);
      return {
        body: plain.data,
        rows: [],
        flag: read.flag,
        isRedacted: scrubbed.isRedacted || plain.isRedacted,
      };
    }
    const { value: messages, isRedacted: isKeyRedacted } = this.#redactor.json<BayeuxMessage[]>(
      read.messages,
      text,
    );
    return {
      body: isKeyRedacted ? Buffer.from(JSON.stringify(messages)) : scrubbed.data,
      rows: isRowsWanted ? toMessageRows(messages, context, () => this.#ids.nextMessageId()) : [],
      flag: null,
      isRedacted: scrubbed.isRedacted || isKeyRedacted,
    };
  }
}
