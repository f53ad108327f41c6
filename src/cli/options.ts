// Parsers for option values shared by several commands; each throws commander's InvalidArgumentError saying what to
// pass instead, which commander prints as `error: option '--x <v>' argument 'y' is invalid. <message>` and exits 1.
import { InvalidArgumentError } from 'commander';

export const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(
      `"${value}" is not a port; pass a whole number from 0 to 65535 (0 picks a free one).`,
    );
  }
  return port;
};

export const parseNonNegative = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number >= 0.`);
  return n;
};

export const parsePositive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a number > 0.`);
  return n;
};

/** A count of things (bytes, rows): a whole number >= 1. */
export const parsePositiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number >= 1.`);
  return n;
};

export const parseUrl = (value: string): URL => {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url;
  } catch {
    throw new InvalidArgumentError(
      `"${value}" is not an http(s) URL; pass e.g. http://gws.example.com:8080.`,
    );
  }
};

/**
 * A server to forward to: an http(s) origin. Only the origin is used (every request keeps the path its client
 * sent), so a path, query or credentials given with it would be dropped without a word: they are refused.
 */
export const parseOrigin = (value: string): URL => {
  const url = parseUrl(value);
  const extras = [
    url.pathname !== '/' && `the path ${url.pathname}`,
    url.search !== '' && `the query ${url.search}`,
    url.hash !== '' && `the fragment ${url.hash}`,
    (url.username !== '' || url.password !== '') && 'credentials',
  ].filter(Boolean);
  if (extras.length > 0) {
    throw new InvalidArgumentError(
      `"${value}" has ${extras.join(' and ')}; pass the origin only, e.g. ${url.origin}: each request is ` +
        'forwarded with the path, query and credentials its client sent.',
    );
  }
  return url;
};

/** A URL path such as /api/v2/notifications: it must start with '/', as the request paths it is matched to do. */
export const parseUrlPath = (value: string): string => {
  if (!value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a URL path; pass one that starts with '/', without query or spaces, e.g. /api/v2/notifications.`,
    );
  }
  return value;
};

/** Commander collector for repeatable options (`--redact-header A --redact-header B`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * An origin named by a URL, path dropped: GWS's externalApiUrlV2 (`https://gws.example.com/api/v2`) may be
 * pasted as it is configured. Repeatable.
 */
export const collectOrigin = (value: string, previous: string[] = []): string[] => [
  ...previous,
  parseUrl(value).origin,
];

export const DEFAULT_DB = 'recordings/gws-vcr.sqlite';
