// Removes secrets from what is recorded (headers, JSON keys, known secret values); the client's traffic is untouched.
import { REDACTED } from '../common/redacted.js';
import type { HeaderList } from '../store/index.js';

export { REDACTED };

/** GWS-NOTES §2: Basic auth on every request, the JSESSIONID cookie, the CSRF token (plus the header X-CSRF-HEADER names). */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
];

/** JSON keys whose values are redacted wherever they occur, besides the redacted header names. */
export const DEFAULT_REDACTED_JSON_KEYS: readonly string[] = ['password'];

/** Secrets shorter than this are redacted where they stand but not searched for elsewhere (too many false hits). */
export const MIN_SCRUBBED_SECRET_LENGTH = 8;

/**
 * The redacted form of one header value. Keeps what helps reading a recording and is not secret: the
 * auth scheme, cookie names and Set-Cookie attributes.
 */
export const redactHeaderValue = (name: string, value: string): string => {
  switch (name.toLowerCase()) {
    case 'authorization':
    case 'proxy-authorization': {
      const scheme = /^([A-Za-z][\w-]*) +\S/.exec(value);
      return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
    }
    case 'cookie':
      return value
        .split(';')
        .map((pair) => {
          const eq = pair.indexOf('=');
          return eq === -1 ? ` ${REDACTED}` : `${pair.slice(0, eq + 1)}${REDACTED}`;
        })
        .join(';')
        .trimStart();
    case 'set-cookie': {
      const semicolon = value.indexOf(';');
      const pair = semicolon === -1 ? value : value.slice(0, semicolon);
      const attributes = semicolon === -1 ? '' : value.slice(semicolon);
      const eq = pair.indexOf('=');
      return `${eq === -1 ? '' : pair.slice(0, eq + 1)}${REDACTED}${attributes}`;
    }
    default:
      return REDACTED;
  }
};

/** The secret parts of a header value, to be searched for and removed everywhere else in the recording. */
export const secretsOf = (name: string, value: string): string[] => {
  switch (name.toLowerCase()) {
    case 'authorization':
    case 'proxy-authorization': {
      const space = value.indexOf(' ');
      return space === -1 ? [value] : [value, value.slice(space + 1).trim()];
    }
    case 'cookie':
      return value.split(';').map((pair) => pair.slice(pair.indexOf('=') + 1).trim());
    case 'set-cookie': {
      const pair = value.split(';', 1)[0] ?? '';
      return [pair.slice(pair.indexOf('=') + 1).trim()];
    }
    default:
      return [value.trim()];
  }
};

/** Redacts the headers whose lower-cased names are in `names`; returns the same list when nothing matched. */
export const redactHeaders = (
  headers: HeaderList,
  names: ReadonlySet<string>,
): { headers: HeaderList; isRedacted: boolean } => {
  let out: HeaderList | null = null;
  headers.forEach(([name, value], index) => {
    if (!names.has(name.toLowerCase())) return;
    out ??= headers.slice();
    out[index] = [name, redactHeaderValue(name, value)];
  });
  return out ? { headers: out, isRedacted: true } : { headers, isRedacted: false };
};

/**
 * Replaces the value of every key in `keys` (lower-cased, matched case-insensitively), at any depth, with
 * "[REDACTED]". Returns the same object when nothing matched, a redacted copy otherwise.
 */
export const redactJson = (
  value: unknown,
  keys: ReadonlySet<string>,
): { value: unknown; isRedacted: boolean } => {
  if (keys.size === 0 || value === null || typeof value !== 'object') return { value, isRedacted: false };
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((item, index) => {
      const result = redactJson(item, keys);
      if (!result.isRedacted) return;
      out ??= value.slice();
      out[index] = result.value;
    });
    return out ? { value: out, isRedacted: true } : { value, isRedacted: false };
  }
  let out: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const result = keys.has(key.toLowerCase())
      ? { value: REDACTED, isRedacted: true }
      : redactJson(item, keys);
    if (!result.isRedacted) continue;
    out ??= { ...(value as Record<string, unknown>) };
    out[key] = result.value;
  }
  return out ? { value: out, isRedacted: true } : { value, isRedacted: false };
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for `key` as JSON may spell it: each character as itself or as a \u escape of either case. */
const spelledAnyWay = (key: string): string =>
  [...key]
    .map((c) => {
      const escapes = new Set(
        [c.toLowerCase(), c.toUpperCase()].map(
          (v) => `\\\\u${v.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
      );
      return `(?:${escapeRegExp(c)}|${[...escapes].join('|')})`;
    })
    .join('');

/**
 * Redacts `"key": value` pairs in JSON text that does not parse (cut at --max-body, or malformed): a
 * string value (even one the cut left unterminated) or a bare scalar becomes "[REDACTED]".
 */
export const redactJsonText = (text: string, keys: ReadonlySet<string>): string => {
  let out = text;
  for (const key of keys) {
    const pattern = new RegExp(
      `("${spelledAnyWay(key)}"\\s*:\\s*)(?:"(?:[^"\\\\]|\\\\.)*(?:"|\\\\?$)|[^,}\\]\\s"]+)`,
      'gi',
    );
    out = out.replace(pattern, `$1"${REDACTED}"`);
  }
  return out;
};

/**
 * A test for "could this text hold one of the keys as a JSON key?": a cheap check before parsing a body just
 * to redact it, run on every JSON body recorded. One case-insensitive pattern instead of lower-casing the
 * text; with Unicode case folding it also matches every spelling whose toLowerCase() is a key (the Kelvin
 * sign is a k), so it never says no where redactJson would redact.
 */
export const jsonKeyTest = (keys: ReadonlySet<string>): ((text: string) => boolean) => {
  if (keys.size === 0) return () => false;
  // A key may also be spelled with JSON escapes ("p\u0061ssword"), which only parsing reads: a text holding
  // any \u escape may hold any key. One pattern, so a body without either is scanned once.
  const pattern = new RegExp(`"(?:${[...keys].map(escapeRegExp).join('|')})"|\\\\u[0-9a-f]{4}`, 'iu');
  return (text) => pattern.test(text);
};

/** Replaces every occurrence of each secret in `data` with "[REDACTED]"; returns `data` itself if none occurs. */
export const scrubSecrets = (data: Buffer, secrets: Iterable<string>): Buffer => {
  let out = data;
  for (const secret of secrets) {
    if (out.indexOf(secret) === -1) continue;
    out = Buffer.from(
      out.toString('latin1').replaceAll(Buffer.from(secret).toString('latin1'), REDACTED),
      'latin1',
    );
  }
  return out;
};

/**
 * A body cut at the size limit may end with the first part of a secret (at least `minLength` bytes of it),
 * which scrubSecrets cannot recognize: that part is replaced too.
 */
export const scrubCutSecret = (data: Buffer, secrets: Iterable<string>, minLength = 4): Buffer => {
  for (const secret of secrets) {
    const bytes = Buffer.from(secret);
    for (let k = Math.min(bytes.length - 1, data.length); k >= minLength; k--) {
      if (data.compare(bytes, 0, k, data.length - k, data.length) === 0) {
        return Buffer.concat([data.subarray(0, data.length - k), Buffer.from(REDACTED)]);
      }
    }
  }
  return data;
};

/** Same as scrubSecrets, for text. */
export const scrubSecretsInText = (text: string, secrets: Iterable<string>): string => {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  return out;
};
