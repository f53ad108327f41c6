// Keeps the secrets of a browser's HAR off disk with the recorder's own Redactor, so an import is redacted as a recording is.
import { type RedactOptions, Redactor } from '../proxy/index.js';
import type { HarImport, HeaderList, NewExchange, NewFrameRow, RowFlag } from '../store/index.js';

type Rows = Pick<HarImport, 'exchanges' | 'frames' | 'messages'>;

const flaggedRedacted = (flags: readonly RowFlag[]): RowFlag[] =>
  flags.includes('redacted') ? [...flags] : [...flags, 'redacted'];

/**
 * Redacts secret headers (their values, as the recorder writes them: `Basic [REDACTED]`, cookie names kept),
 * secret JSON keys in bodies and Bayeux messages, and every secret value wherever else it appears (bodies,
 * frames, paths, queries). A HAR is whole before it is stored, so every header is read first: a token seen
 * late in the file is scrubbed from the entries before it too. Rows that changed are flagged `redacted`.
 */
export const redactImported = (rows: Rows, options: Omit<RedactOptions, 'keepSecrets'> = {}): Rows => {
  const redactor = new Redactor(options);
  for (const e of rows.exchanges) {
    // The response may name the CSRF header (X-CSRF-HEADER); learning and remembering secrets come first.
    redactor.learnFromResponse(e.responseHeaders);
    redactor.headers(e.requestHeaders);
    redactor.headers(e.responseHeaders);
  }
  const exchange = (e: NewExchange): NewExchange => {
    const requestHeaders = redactor.headers(e.requestHeaders);
    const responseHeaders = redactor.headers(e.responseHeaders);
    const path = redactor.text(e.path);
    const query = redactor.text(e.query);
    const cut = e.flags.includes('truncated');
    // a Bayeux body is JSON whatever its Content-Type says
    const body = (data: Buffer | null, headers: HeaderList | null) =>
      e.kind === 'bayeux' ? redactor.bytes(data, true, cut) : redactor.body(data, headers, cut);
    const requestBody = body(e.requestBody, e.requestHeaders);
    const responseBody = body(e.responseBody, e.responseHeaders);
    const isRedacted = [requestHeaders, responseHeaders, path, query, requestBody, responseBody].some(
      (r) => r.isRedacted,
    );
    if (!isRedacted) return e;
    return {
      ...e,
      requestHeaders: requestHeaders.headers,
      responseHeaders: responseHeaders.headers,
      path: path.text,
      query: query.text,
      requestBody: requestBody.data,
      responseBody: responseBody.data,
      flags: flaggedRedacted(e.flags),
    };
  };
  const frame = (f: NewFrameRow): NewFrameRow => {
    const payload = redactor.frame(f.payload, f.opcode, f.flags.includes('truncated'));
    return payload.isRedacted
      ? { ...f, payload: payload.data ?? Buffer.alloc(0), flags: flaggedRedacted(f.flags) }
      : f;
  };
  return {
    exchanges: rows.exchanges.map(exchange),
    frames: rows.frames.map(frame),
    messages: rows.messages.map((m) => {
      const redacted = redactor.json(m.message);
      return redacted.isRedacted ? { ...m, message: redacted.value } : m;
    }),
  };
};
