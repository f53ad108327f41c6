// Reads the fields of an untrusted HAR document: each reader returns the value or throws VCR_HAR_INVALID saying where.

import { VcrError } from '../common/errors.js';
import { isRecord } from '../common/is-record.js';

export const HAR_HINT =
  'Pass a HAR 1.2 file: in the browser\'s developer tools, Network panel, "Save all as HAR (with content)", or a file written by `gws-vcr export`.';

/** Where a reader is in the document, for the message: "FILE: entry 3: response.status: <what>". */
export interface HarPlace {
  file: string;
  /** index in log.entries; absent outside the entries */
  entry?: number;
  /** dotted path of the field, within the entry if there is one */
  at: string;
}

export const harInvalid = (place: HarPlace, what: string): VcrError => {
  const where = [place.entry === undefined ? '' : `entry ${place.entry}`, place.at].filter((s) => s !== '');
  return new VcrError('VCR_HAR_INVALID', `${[place.file, ...where].join(': ')}: ${what}`, { hint: HAR_HINT });
};

const describe = (value: unknown): string => {
  if (value === undefined) return 'missing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // nested deeper than JSON.stringify goes (a hostile file): say what it is instead
    return `${Array.isArray(value) ? 'an array' : 'a value'} nested too deep to show`;
  }
  return `${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
};

export const field = (place: HarPlace, name: string): HarPlace => ({
  ...place,
  at: place.at === '' ? name : `${place.at}.${name}`,
});

/** The place of item `i` of the list at `place`. */
export const item = (place: HarPlace, i: number): HarPlace => ({ ...place, at: `${place.at}[${i}]` });

export const readObject = (place: HarPlace, value: unknown): Record<string, unknown> => {
  if (!isRecord(value)) throw harInvalid(place, `is ${describe(value)}, expected an object`);
  return value;
};

export const readArray = (place: HarPlace, value: unknown): unknown[] => {
  if (!Array.isArray(value)) throw harInvalid(place, `is ${describe(value)}, expected an array`);
  return value;
};

export const readString = (place: HarPlace, value: unknown): string => {
  if (typeof value !== 'string') throw harInvalid(place, `is ${describe(value)}, expected a string`);
  return value;
};

export const readNumber = (place: HarPlace, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw harInvalid(place, `is ${describe(value)}, expected a number`);
  }
  return value;
};

/** A number, or `fallback` when the field is absent or null (HAR's optional numbers). */
export const readOptionalNumber = (place: HarPlace, value: unknown, fallback: number): number =>
  value === undefined || value === null ? fallback : readNumber(place, value);

export const readNullable = <T>(value: unknown, read: (v: unknown) => T): T | null =>
  value === null || value === undefined ? null : read(value);

/** HAR's `[{name, value}]` lists (headers, query) as pairs, in order; absent is empty. */
export const readNameValues = (place: HarPlace, value: unknown): Array<[string, string]> => {
  if (value === undefined || value === null) return [];
  return readArray(place, value).map((value, i) => {
    const at = item(place, i);
    const o = readObject(at, value);
    return [readString(field(at, 'name'), o.name), readString(field(at, 'value'), o.value)];
  });
};

/** ms since the epoch of an ISO-8601 date-time. */
export const readDateMs = (place: HarPlace, value: unknown): number => {
  const text = readString(place, value);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(ms)) {
    throw harInvalid(
      place,
      `is ${describe(text)}, expected an ISO-8601 date-time such as 2024-05-01T10:00:00.123Z`,
    );
  }
  return ms;
};
