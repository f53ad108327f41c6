// Keeps the secrets of a browser's HAR (Authorization, cookies, CSRF token) off disk, as the recorder does live.
import { DEFAULT_REDACTED_HEADERS, REDACTED } from '../proxy/index.js';
import type { HarImport, HeaderList, NewExchange } from '../store/index.js';

type Rows = Pick<HarImport, 'exchanges' | 'frames' | 'messages'>;

/** GWS-NOTES §2: the header a response's `X-CSRF-HEADER` names carries the CSRF token too. */
const csrfHeaderNames = (exchanges: readonly NewExchange[]): string[] =>
  exchanges.flatMap((e) =>
    (e.responseHeaders ?? [])
      .filter(([n]) => n.toLowerCase() === 'x-csrf-header')
      .map(([, v]) => v.trim().toLowerCase()),
  );

/**
 * Replaces the values of secret headers with "[REDACTED]" and flags the exchanges it changed.
 * Bodies are left as they are.
 * TODO(HAR import): use the proxy's Redactor once it is exported, so imports are redacted exactly like recordings.
 */
export const redactImportedHeaders = (rows: Rows, extraHeaders: readonly string[] = []): Rows => {
  const secret = new Set(
    [...DEFAULT_REDACTED_HEADERS, ...extraHeaders, ...csrfHeaderNames(rows.exchanges)].map((n) =>
      n.toLowerCase(),
    ),
  );
  const redact = (headers: HeaderList): { headers: HeaderList; isRedacted: boolean } => {
    let isRedacted = false;
    const out = headers.map(([name, value]): [string, string] => {
      if (!secret.has(name.toLowerCase()) || value === REDACTED) return [name, value];
      isRedacted = true;
      return [name, REDACTED];
    });
    return { headers: out, isRedacted };
  };
  const exchanges = rows.exchanges.map((e) => {
    const request = redact(e.requestHeaders);
    const response = e.responseHeaders === null ? null : redact(e.responseHeaders);
    if (!request.isRedacted && !response?.isRedacted) return e;
    return {
      ...e,
      requestHeaders: request.headers,
      responseHeaders: response?.headers ?? null,
      flags: e.flags.includes('redacted') ? e.flags : [...e.flags, 'redacted' as const],
    };
  });
  return { ...rows, exchanges };
};
