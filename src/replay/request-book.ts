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
  /** in first-recorded order: a group's index is its place here */
  private readonly byKey = new Map<string, RequestGroup & { exchangeIds: number[] }>();
  private readonly ignore: IgnoreFields;

  constructor(entries: Iterable<{ id: number; request: ReplayRequest }>, options: RequestBookOptions = {}) {
    this.ignore = options.ignoreFields ?? NO_IGNORED_FIELDS;
    for (const entry of entries) {
      const normalised = normaliseRequest(entry.request, {
        ignore: this.ignore,
        origins: options.recordedOrigins ?? [],
      });
      const group = this.byKey.get(normalised.key);
      if (group) group.exchangeIds.push(entry.id);
      else {
        this.byKey.set(normalised.key, {
          index: this.byKey.size,
          matcher: new RecordedRequestMatcher(normalised),
          exchangeIds: [entry.id],
        });
      }
    }
  }

  /** A live request, its replay origins (the ones the client sees) folded like the recorded ones. */
  normalise(request: ReplayRequest, liveOrigins: readonly string[]): NormalisedRequest {
    return normaliseRequest(request, { ignore: this.ignore, origins: liveOrigins });
  }

  /** The next recorded answer for this client; identical requests get the recorded answers in order. */
  answer(request: NormalisedRequest, cursors: RequestCursors): BookAnswer {
    const group = this.byKey.get(request.key);
    if (group === undefined) return { kind: 'miss' };
    const order = cursors.get(group.index) ?? 0;
    cursors.set(group.index, order + 1);
    const last = group.exchangeIds.length - 1;
    const exchangeId = group.exchangeIds[Math.min(order, last)] as number;
    return { kind: 'hit', group, exchangeId, order, isFresh: order <= last };
  }

  /** Up to `limit` recorded requests nearest to `request`, nearest first, with what differs. */
  closest(request: NormalisedRequest, limit = 3): NearMiss[] {
    return [...this.byKey.values()]
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
