// One request, recorded or live, in the form the matchers compare: query and JSON body as data, origins folded.
import { isNestedDeeperThan } from '../common/json-depth.js';
import {
  canonicalText,
  type IgnoreFields,
  type JsonValue,
  NO_IGNORED_FIELDS,
  normaliseData,
  tryParseJson,
} from './json-data.js';
import { createOriginRewrite } from './rewrite-origins.js';

/** A REST request as the replay server sees it, or as the recording holds it. */
export interface ReplayRequest {
  method: string;
  /** path without the query */
  path: string;
  /** raw query without '?'; '' if none */
  query: string;
  body: Buffer | null;
}

export type NormalisedBody =
  | { kind: 'none' }
  | { kind: 'json'; value: JsonValue }
  /** not JSON: compared as text */
  | { kind: 'text'; text: string };

export interface NormalisedRequest {
  method: string;
  path: string;
  /** query pairs, ignored names dropped, origins folded, sorted */
  query: Array<[name: string, value: string]>;
  body: NormalisedBody;
  /** equal for requests the replay treats as identical */
  key: string;
  queryKey: string;
  bodyKey: string;
}

/** Stands for any origin the request may carry (recorder's, upstream's, replay's), so they compare equal. */
const ORIGIN_TOKEN = '{origin}';

export interface NormaliseOptions {
  ignore?: IgnoreFields;
  /** origins folded into ORIGIN_TOKEN in query values and body strings */
  origins?: ReadonlyArray<string | null | undefined>;
}

const normaliseBody = (
  body: Buffer | null,
  ignore: IgnoreFields,
  fold: (s: string) => string,
): NormalisedBody => {
  if (body === null || body.length === 0) return { kind: 'none' };
  const text = body.toString('utf8');
  // JSON nested deeper than any request carries (a hostile recording or client) is compared as text:
  // walking it as data would overflow the stack.
  const json = isNestedDeeperThan(text) ? undefined : tryParseJson(text);
  if (json === undefined) return { kind: 'text', text: fold(text) };
  return { kind: 'json', value: normaliseData(json, ignore, fold) };
};

const bodyKeyOf = (body: NormalisedBody): string => {
  switch (body.kind) {
    case 'none':
      return '';
    case 'json':
      return `json:${canonicalText(body.value)}`;
    case 'text':
      return `text:${body.text}`;
    default: {
      const never: never = body;
      return never;
    }
  }
};

export const normaliseRequest = (
  request: ReplayRequest,
  options: NormaliseOptions = {},
): NormalisedRequest => {
  const ignore = options.ignore ?? NO_IGNORED_FIELDS;
  const fold = createOriginRewrite(options.origins ?? [], ORIGIN_TOKEN).text;
  const query = [...new URLSearchParams(request.query)]
    .filter(([name]) => !ignore.names.has(name))
    .map(([name, value]): [string, string] => [name, fold(value)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  const body = normaliseBody(request.body, ignore, fold);
  const method = request.method.toUpperCase();
  const queryKey = JSON.stringify(query);
  const bodyKey = bodyKeyOf(body);
  return {
    method,
    path: request.path,
    query,
    body,
    queryKey,
    bodyKey,
    key: `${method} ${request.path} ${queryKey} ${bodyKey}`,
  };
};

/** A body for people: its canonical JSON, or its first 80 characters quoted; null when there is none. */
export const bodyText = (body: NormalisedBody): string | null => {
  switch (body.kind) {
    case 'none':
      return null;
    case 'json':
      return canonicalText(body.value);
    case 'text':
      return JSON.stringify(body.text.slice(0, 80));
    default: {
      const never: never = body;
      return never;
    }
  }
};

/** `POST /api/v2/me/calls/X?a=1 {"operationName":"Answer"}`, for messages to people. */
export const describeRequest = (request: NormalisedRequest): string => {
  const query = request.query.length === 0 ? '' : `?${new URLSearchParams(request.query).toString()}`;
  const body = bodyText(request.body);
  return `${request.method} ${request.path}${query}${body === null ? '' : ` ${body}`}`;
};
