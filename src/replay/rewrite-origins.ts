// Rewrites absolute URLs of recorded origins (the upstream's, the recorder's) to the replay server's origin.
import { originSpellings } from '../common/origin-spellings.js';
import type { Session } from '../store/index.js';

/** A compiled rewrite from some origins to one; build once, apply to many texts. */
export interface OriginRewrite {
  /** replaces every recorded origin in `text`, also inside JSON with escaped slashes (`http:\/\/host`) */
  text(text: string): string;
  /** the same, applied to every string inside a JSON-like value; returns a new value, the input is untouched */
  value<T>(value: T): T;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Origins as URL.origin spells them (`http://host:port`, lower-case, default port dropped); bad ones skipped. */
const normaliseOrigins = (origins: ReadonlyArray<string | null | undefined>): string[] => {
  const out = new Set<string>();
  for (const origin of origins) {
    if (!origin) continue;
    try {
      const parsed = new URL(origin).origin;
      if (parsed !== 'null') out.add(parsed);
    } catch {
      // not a URL: nothing to rewrite from it
    }
  }
  return [...out];
};

/**
 * A pattern matching any of `origins`, slashes plain or JSON-escaped, not followed by more of a host or port
 * (so `http://h:80` does not match inside `http://h:8080`).
 */
const originPattern = (origins: readonly string[]): RegExp | null => {
  if (origins.length === 0) return null;
  const alternatives = [...origins]
    .sort((a, b) => b.length - a.length)
    .map((o) => escapeRegex(o).replace(/\//g, '\\\\?/'));
  return new RegExp(`(?:${alternatives.join('|')})(?![\\w.:-])`, 'gi');
};

const mapStrings = (value: unknown, map: (s: string) => string): unknown => {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, map);
    return out;
  }
  return value;
};

/** The origins a session's recorded URLs may name: the recorder's, the upstream's, those it also rewrote. */
export const recordedOrigins = (session: Pick<Session, 'listenOrigin' | 'upstream' | 'rewriteOrigins'>) => [
  session.listenOrigin,
  session.upstream,
  ...session.rewriteOrigins,
];

/** Rewrites `from` origins, however their default port is written, to `to`; with nothing to rewrite, a no-op. */
export const createOriginRewrite = (
  from: ReadonlyArray<string | null | undefined>,
  to: string,
): OriginRewrite => {
  const target = normaliseOrigins([to])[0] ?? to;
  const pattern = originPattern(
    normaliseOrigins(from)
      .filter((o) => o !== target)
      .flatMap(originSpellings),
  );
  const text = (input: string): string =>
    pattern === null
      ? input
      : input.replace(pattern, (found) => (found.includes('\\/') ? target.replace(/\//g, '\\/') : target));
  return {
    text,
    value: <T>(value: T): T => (pattern === null ? value : (mapStrings(value, text) as T)),
  };
};
