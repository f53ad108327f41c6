// GET /api/sessions/:id/calls, /operations, /transfers, /anomalies and /analysis: the session's analysis, filtered and paginated.
import type { FastifyPluginAsync } from 'fastify';
import {
  type Anomaly,
  type Call,
  type Operation,
  type SessionAnalysis,
  type Transfer,
  transferExchangeIds,
} from '../analysis/index.js';
import type { Store } from '../store/index.js';
import type { AnalysisCache } from './analysis-cache.js';
import {
  analysisQuery,
  type PageQuery,
  requireSession,
  sessionParams,
  type WindowQuery,
} from './query-schemas.js';
import type { Page } from './types.js';

export interface AnalysisRoutesOptions {
  store: Store;
  cache: AnalysisCache;
}

type AnalysisQuery = PageQuery & WindowQuery & { call?: string; operation?: string; view?: 'full' | 'brief' };

/** `?view=brief`: enough to name a call and place it in time. */
export type BriefCallJson = Pick<
  CallJson,
  'id' | 'callType' | 'parentId' | 'depth' | 'participants' | 'firstSeenMs' | 'untilMs' | 'releasedAtMs'
>;

const brief = (c: CallJson): BriefCallJson => ({
  id: c.id,
  callType: c.callType,
  parentId: c.parentId,
  depth: c.depth,
  participants: c.participants,
  firstSeenMs: c.firstSeenMs,
  untilMs: c.untilMs,
  releasedAtMs: c.releasedAtMs,
});

/** A call as the timeline needs it: the call plus where it sits in the parent/consult tree. */
export interface CallJson extends Call {
  /** 0 for a call without a (known) parent, 1 for its consults, ... */
  depth: number;
  /** consult calls whose parent is this call */
  childIds: string[];
  /** when the call's lane ends: Released, else the session's end */
  untilMs: number;
}

const pageOf = <T>(all: readonly T[], { offset, limit }: PageQuery): Page<T> => ({
  total: all.length,
  offset,
  limit,
  items: all.slice(offset, offset + limit),
});

/** Parents first, each followed by its consults (depth first), both in order of first appearance. */
const callTree = (analysis: SessionAnalysis): CallJson[] => {
  const known = new Set(analysis.calls.map((c) => c.id));
  const children = new Map<string, Call[]>();
  for (const c of analysis.calls) {
    if (c.parentId !== null && known.has(c.parentId) && c.parentId !== c.id) {
      const list = children.get(c.parentId);
      if (list) list.push(c);
      else children.set(c.parentId, [c]);
    }
  }
  const out: CallJson[] = [];
  const seen = new Set<string>();
  const visit = (c: Call, depth: number): void => {
    if (seen.has(c.id)) return; // a parent loop in recorded data must not loop here
    seen.add(c.id);
    const kids = children.get(c.id) ?? [];
    out.push({ ...c, depth, childIds: kids.map((k) => k.id), untilMs: c.releasedAtMs ?? analysis.endMs });
    for (const k of kids) visit(k, depth + 1);
  };
  for (const c of analysis.calls) {
    if (c.parentId === null || !known.has(c.parentId)) visit(c, 0);
  }
  for (const c of analysis.calls) visit(c, 0); // calls caught in a parent loop
  return out;
};

/** The call and all its consults, as a set of ids; undefined when no call filter was given. */
const callFamily = (tree: readonly CallJson[], callId: string | undefined): Set<string> | undefined => {
  if (callId === undefined) return undefined;
  const byId = new Map(tree.map((c) => [c.id, c]));
  const family = new Set<string>();
  const add = (id: string): void => {
    const call = byId.get(id);
    if (!call || family.has(id)) return;
    family.add(id);
    for (const child of call.childIds) add(child);
  };
  add(callId);
  return family;
};

const inWindow = (startMs: number, endMs: number, q: WindowQuery): boolean =>
  (q.fromMs === undefined || endMs >= q.fromMs) && (q.toMs === undefined || startMs <= q.toMs);

const operationCalls = (op: Operation): string[] =>
  [op.callId, op.params.consultCallId, op.params.otherCallId].filter((id): id is string => id !== null);

const transferCalls = (t: Transfer): string[] =>
  [t.originalCallId, t.consultCallId].filter((id): id is string => id !== null);

export const analysisRoutes: FastifyPluginAsync<AnalysisRoutesOptions> = async (app, { store, cache }) => {
  const schema = { params: sessionParams, querystring: analysisQuery };
  type Req = { Params: { id: number }; Querystring: AnalysisQuery };
  const analysisOf = (id: number): SessionAnalysis => cache.get(requireSession(store, id));
  // The tree is derived from an analysis object; a new analysis (the session grew) gets a new tree.
  const trees = new WeakMap<SessionAnalysis, CallJson[]>();
  const treeOf = (a: SessionAnalysis): CallJson[] => {
    let tree = trees.get(a);
    if (!tree) {
      tree = callTree(a);
      trees.set(a, tree);
    }
    return tree;
  };

  app.get<{ Params: { id: number } }>(
    '/:id/analysis',
    { schema: { params: sessionParams } },
    async (request) => {
      const a = analysisOf(request.params.id);
      return {
        endMs: a.endMs,
        stats: a.stats,
        options: a.options,
        calls: a.calls.length,
        operations: a.operations.length,
        transfers: a.transfers.length,
        anomalies: a.anomalies.length,
        operationNames: [...new Set(a.operations.map((op) => op.operationName))].sort(),
      };
    },
  );

  app.get<Req>('/:id/calls', { schema }, async (request) => {
    const q = request.query;
    const a = analysisOf(request.params.id);
    const tree = treeOf(a);
    const family = callFamily(tree, q.call);
    const withOperation =
      q.operation === undefined
        ? undefined
        : new Set(a.operations.filter((op) => op.operationName === q.operation).flatMap(operationCalls));
    const calls = tree.filter(
      (c) =>
        (family === undefined || family.has(c.id)) &&
        (withOperation === undefined || withOperation.has(c.id)) &&
        inWindow(c.firstSeenMs, c.untilMs, q),
    );
    const page = pageOf(calls, q);
    return q.view === 'brief' ? { ...page, items: page.items.map(brief) } : page;
  });

  app.get<Req>('/:id/operations', { schema }, async (request) => {
    const q = request.query;
    const a = analysisOf(request.params.id);
    const family = callFamily(treeOf(a), q.call);
    const ops = a.operations.filter(
      (op) =>
        (q.operation === undefined || op.operationName === q.operation) &&
        (family === undefined || operationCalls(op).some((id) => family.has(id))) &&
        inWindow(op.startMs, op.endMs ?? op.startMs, q),
    );
    return pageOf(ops, q);
  });

  app.get<Req>('/:id/transfers', { schema }, async (request) => {
    const q = request.query;
    const a = analysisOf(request.params.id);
    const family = callFamily(treeOf(a), q.call);
    const byExchange = new Map(a.operations.map((op) => [op.exchangeId, op.operationName]));
    const transfers = a.transfers.filter(
      (t) =>
        (family === undefined || transferCalls(t).some((id) => family.has(id))) &&
        (q.operation === undefined ||
          transferExchangeIds(t).some((id) => byExchange.get(id) === q.operation)) &&
        inWindow(t.atMs, t.atMs, q),
    );
    return pageOf(transfers, q);
  });

  app.get<Req>('/:id/anomalies', { schema }, async (request) => {
    const q = request.query;
    const a = analysisOf(request.params.id);
    const family = callFamily(treeOf(a), q.call);
    const anomalies = a.anomalies.filter(
      (x: Anomaly) =>
        (family === undefined || (x.callId !== null && family.has(x.callId))) &&
        (q.operation === undefined || ('operationName' in x && x.operationName === q.operation)) &&
        inWindow(x.atMs, x.atMs, q),
    );
    return pageOf(anomalies, q);
  });
};
