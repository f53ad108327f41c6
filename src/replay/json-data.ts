// JSON compared as data: key order ignored, ignored fields dropped, and the differences between two values listed.

/** A JSON value as JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Fields left out of comparison. An entry with a dot is a path from the root (`userData.timestamp`);
 * one without is a key name dropped at any depth (`referenceId`).
 */
export interface IgnoreFields {
  readonly names: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
}

export const parseIgnoreFields = (fields: readonly string[]): IgnoreFields => ({
  names: new Set(fields.filter((f) => !f.includes('.'))),
  paths: new Set(fields.filter((f) => f.includes('.'))),
});

export const NO_IGNORED_FIELDS: IgnoreFields = parseIgnoreFields([]);

export const isJsonObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The value made ready for comparison: object keys sorted, ignored fields dropped, every string passed
 * through `mapString` (used to fold origins into one token).
 */
export const normaliseData = (
  value: JsonValue,
  ignore: IgnoreFields = NO_IGNORED_FIELDS,
  mapString: (s: string) => string = (s) => s,
  path = '',
): JsonValue => {
  if (typeof value === 'string') return mapString(value);
  if (Array.isArray(value)) return value.map((item) => normaliseData(item, ignore, mapString, path));
  if (!isJsonObject(value)) return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (ignore.names.has(key) || ignore.paths.has(childPath)) continue;
    out[key] = normaliseData(value[key] as JsonValue, ignore, mapString, childPath);
  }
  return out;
};

/** One canonical text per value: equal data (whatever its key order) gives equal text. */
export const canonicalText = (normalised: JsonValue): string => JSON.stringify(normalised);

/** Parses JSON text; undefined when it is not JSON (bad input is data). */
export const tryParseJson = (text: string): JsonValue | undefined => {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
};

const show = (value: JsonValue): string => {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/**
 * Where `actual` differs from `recorded` (both normalised), as sentences for people:
 * `body.operationName: recorded "Answer", got "Hold"`. At most `limit` entries.
 */
export const dataDifferences = (
  recorded: JsonValue,
  actual: JsonValue,
  path: string,
  limit = 5,
): string[] => {
  const out: string[] = [];
  const walk = (r: JsonValue, a: JsonValue, at: string): void => {
    if (out.length >= limit) return;
    if (isJsonObject(r) && isJsonObject(a)) {
      for (const key of new Set([...Object.keys(r), ...Object.keys(a)])) {
        const childPath = `${at}.${key}`;
        // Own keys only: a key named like an Object.prototype member (valueOf) is data, not a method.
        if (!Object.hasOwn(a, key))
          out.push(`${childPath}: recorded ${show(r[key] as JsonValue)}, missing here`);
        else if (!Object.hasOwn(r, key))
          out.push(`${childPath}: not in the recording (got ${show(a[key] as JsonValue)})`);
        else walk(r[key] as JsonValue, a[key] as JsonValue, childPath);
        if (out.length >= limit) return;
      }
      return;
    }
    if (Array.isArray(r) && Array.isArray(a) && r.length === a.length) {
      r.forEach((item, i) => {
        walk(item, a[i] as JsonValue, `${at}[${i}]`);
      });
      return;
    }
    if (canonicalText(r) !== canonicalText(a)) out.push(`${at}: recorded ${show(r)}, got ${show(a)}`);
  };
  walk(recorded, actual, path);
  return out.slice(0, limit);
};

/** How many leaf differences there are (uncapped), for ranking the closest recorded requests. */
export const countDifferences = (recorded: JsonValue, actual: JsonValue): number =>
  dataDifferences(recorded, actual, '', Number.POSITIVE_INFINITY).length;
