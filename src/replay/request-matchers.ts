// What a recorded request matches: method, path, query and body matchers, each able to say how a request differs.
import { countDifferences, dataDifferences } from './json-data.js';
import { bodyText, type NormalisedBody, type NormalisedRequest } from './normalise-request.js';

/**
 * One condition a live request must meet to be answered by a recorded exchange (mockttp's shape).
 * `differences` explains a miss to people; `distance` ranks near misses (0 when it matches).
 */
export interface Matcher {
  readonly type: 'method' | 'path' | 'query' | 'body' | 'request';
  matches(request: NormalisedRequest): boolean;
  explain(): string;
  differences(request: NormalisedRequest): string[];
  distance(request: NormalisedRequest): number;
}

// A different method or path says more about "which request was meant" than a body field does.
const METHOD_WEIGHT = 4;
const PATH_SEGMENT_WEIGHT = 2;

export class MethodMatcher implements Matcher {
  readonly type = 'method';
  constructor(private readonly method: string) {}
  matches(request: NormalisedRequest): boolean {
    return request.method === this.method;
  }
  explain(): string {
    return `method ${this.method}`;
  }
  differences(request: NormalisedRequest): string[] {
    return this.matches(request) ? [] : [`method: recorded ${this.method}, got ${request.method}`];
  }
  distance(request: NormalisedRequest): number {
    return this.matches(request) ? 0 : METHOD_WEIGHT;
  }
}

export class PathMatcher implements Matcher {
  readonly type = 'path';
  private readonly segments: string[];
  constructor(private readonly path: string) {
    this.segments = path.split('/');
  }
  matches(request: NormalisedRequest): boolean {
    return request.path === this.path;
  }
  explain(): string {
    return `path ${this.path}`;
  }
  differences(request: NormalisedRequest): string[] {
    return this.matches(request) ? [] : [`path: recorded ${this.path}, got ${request.path}`];
  }
  /** differing segments, so `/calls/A` is nearer `/calls/B` than `/devices/B` */
  distance(request: NormalisedRequest): number {
    if (this.matches(request)) return 0;
    const other = request.path.split('/');
    let differing = Math.abs(other.length - this.segments.length);
    for (let i = 0; i < Math.min(other.length, this.segments.length); i++) {
      if (other[i] !== this.segments[i]) differing++;
    }
    return PATH_SEGMENT_WEIGHT * Math.max(1, differing);
  }
}

const queryObject = (pairs: ReadonlyArray<[string, string]>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) out[name] = Object.hasOwn(out, name) ? `${out[name]},${value}` : value;
  return out;
};

export class QueryMatcher implements Matcher {
  readonly type = 'query';
  private readonly key: string;
  private readonly asObject: Record<string, string>;
  constructor(private readonly query: ReadonlyArray<[string, string]>) {
    this.key = JSON.stringify(query);
    this.asObject = queryObject(query);
  }
  matches(request: NormalisedRequest): boolean {
    return request.queryKey === this.key;
  }
  explain(): string {
    return this.query.length === 0
      ? 'no query'
      : `query ${new URLSearchParams(this.query as [string, string][])}`;
  }
  differences(request: NormalisedRequest): string[] {
    return this.matches(request) ? [] : dataDifferences(this.asObject, queryObject(request.query), 'query');
  }
  distance(request: NormalisedRequest): number {
    return this.matches(request) ? 0 : countDifferences(this.asObject, queryObject(request.query));
  }
}

const bodyDescription = (body: NormalisedBody): string => {
  const text = bodyText(body);
  return text === null ? 'no body' : `body ${text}`;
};

export class BodyMatcher implements Matcher {
  readonly type = 'body';
  constructor(
    private readonly body: NormalisedBody,
    private readonly key: string,
  ) {}
  matches(request: NormalisedRequest): boolean {
    return request.bodyKey === this.key;
  }
  explain(): string {
    return bodyDescription(this.body);
  }
  differences(request: NormalisedRequest): string[] {
    if (this.matches(request)) return [];
    if (this.body.kind === 'json' && request.body.kind === 'json') {
      return dataDifferences(this.body.value, request.body.value, 'body');
    }
    return [`body: recorded ${bodyDescription(this.body)}, got ${bodyDescription(request.body)}`];
  }
  distance(request: NormalisedRequest): number {
    if (this.matches(request)) return 0;
    if (this.body.kind === 'json' && request.body.kind === 'json') {
      return countDifferences(this.body.value, request.body.value);
    }
    return 1;
  }
}

/** All four conditions of one recorded request. */
export class RecordedRequestMatcher implements Matcher {
  readonly type = 'request';
  readonly parts: readonly Matcher[];
  constructor(readonly recorded: NormalisedRequest) {
    this.parts = [
      new MethodMatcher(recorded.method),
      new PathMatcher(recorded.path),
      new QueryMatcher(recorded.query),
      new BodyMatcher(recorded.body, recorded.bodyKey),
    ];
  }
  matches(request: NormalisedRequest): boolean {
    return request.key === this.recorded.key;
  }
  explain(): string {
    return this.parts.map((part) => part.explain()).join(', ');
  }
  differences(request: NormalisedRequest): string[] {
    return this.parts.flatMap((part) => part.differences(request));
  }
  distance(request: NormalisedRequest): number {
    return this.parts.reduce((sum, part) => sum + part.distance(request), 0);
  }
}
