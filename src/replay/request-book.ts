// The recorded REST requests grouped by identity: finds the answer for a live request, in recorded order.
import { type IgnoreFields, NO_IGNORED_FIELDS } from './json-data.js';
import {
  describeRequest,
  type NormalisedRequest,
  normaliseRequest,
  type ReplayRequest,
} from './normalise-request.js';
import { RecordedRequestMatcher } from './request-matchers.js';

/** Recorded requests that are identical as far as matching goes, in recorded order. */
export interface RequestGroup {
  readonly index: number;
  readonly matcher: RecordedRequestMatcher;
  /** exchange ids answering this request, in the order they were recorded */
  readonly exchangeIds: readonly number[];
}

/** How far one client got in each group: group index -> answers already given. One per client timeline. */
export type RequestCursors = Map<number, number>;

export interface NearMiss {
  /** the recorded request, for people */
  request: string;
  exchangeIds: readonly number[];
  differences: string[];
  distance: number;
}

export type BookAnswer =
  | {
      kind: 'hit';
      group: RequestGroup;
      exchangeId: number;
      /** 0 for the first identical request; past the recorded answers the last one repeats */
      order: number;
      /** false once the recorded answers ran out and the last one is repeated */
      isFresh: boolean;
    }
  | { kind: 'miss' };

export interface RequestBookOptions {
  /** body/query fields left out of matching (see IgnoreFields) */
  ignoreFields?: IgnoreFields;
  /** origins recorded requests may carry in absolute URLs: the recorder's listen origin, the upstream */
  recordedOrigins?: ReadonlyArray<string | null>;
}

export class RequestBook {
  private readonly byKey = new Map<string, RequestGroup>();
  private readonly ignore: IgnoreFields;

  constructor(entries: Iterable<{ id: number; request: ReplayRequest }>, options: RequestBookOptions = {}) {
    this.ignore = options.ignoreFields ?? NO_IGNORED_FIELDS;
    const ids = new Map<string, { matcher: RecordedRequestMatcher; ids: number[] }>();
    for (const entry of entries) {
      const normalised = normaliseRequest(entry.request, {
        ignore: this.ignore,
        origins: options.recordedOrigins ?? [],
      });
      const group = ids.get(normalised.key);
      if (group) group.ids.push(entry.id);
      else ids.set(normalised.key, { matcher: new RecordedRequestMatcher(normalised), ids: [entry.id] });
    }
    let index = 0;
    for (const [key, group] of ids) {
      this.byKey.set(key, { index: index++, matcher: group.matcher, exchangeIds: group.ids });
    }
  }

  get groups(): RequestGroup[] {
    return [...this.byKey.values()];
  }

  /** A live request, its replay origins (the ones the client sees) folded like the recorded ones. */
  normalise(request: ReplayRequest, liveOrigins: readonly string[]): NormalisedRequest {
    return normaliseRequest(request, { ignore: this.ignore, origins: liveOrigins });
  }

  /** The recorded answer without moving the client on (e.g. to see whether it opens an HTTP session). */
  peek(request: NormalisedRequest, cursors: RequestCursors): BookAnswer {
    const group = this.byKey.get(request.key);
    if (group === undefined) return { kind: 'miss' };
    const order = cursors.get(group.index) ?? 0;
    const last = group.exchangeIds.length - 1;
    const exchangeId = group.exchangeIds[Math.min(order, last)] as number;
    return { kind: 'hit', group, exchangeId, order, isFresh: order <= last };
  }

  /** The next recorded answer for this client; identical requests get the recorded answers in order. */
  answer(request: NormalisedRequest, cursors: RequestCursors): BookAnswer {
    const found = this.peek(request, cursors);
    if (found.kind === 'hit') cursors.set(found.group.index, found.order + 1);
    return found;
  }

  /** Up to `limit` recorded requests nearest to `request`, nearest first, with what differs. */
  closest(request: NormalisedRequest, limit = 3): NearMiss[] {
    return this.groups
      .map((group) => ({ group, distance: group.matcher.distance(request) }))
      .sort((a, b) => a.distance - b.distance || a.group.index - b.group.index)
      .slice(0, limit)
      .map(({ group, distance }) => ({
        request: describeRequest(group.matcher.recorded),
        exchangeIds: group.exchangeIds,
        differences: group.matcher.differences(request),
        distance,
      }));
  }
}
