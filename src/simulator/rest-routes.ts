// The GWS REST resources the simulator serves under /api/v2: one table of method + path → handler (GWS-NOTES §1).
import {
  API_PREFIX,
  decodePathSegment,
  GWS_VERSION,
  type GwsResponse,
  HTTP_STATUS_BY_STATUS_CODE,
  STATUS_CODES,
  USER_STATES,
} from '../gws/index.js';
import type { Agent } from './agents.js';
import { parseOperationBody } from './http-io.js';
import type { Notification } from './notifications.js';
import { callUri, deviceView, userView } from './notifications.js';
import { fail } from './params.js';
import { type Outcome, refused, type Switchboard } from './switchboard.js';

export interface RestRequest {
  method: string;
  /** path without the query */
  pathname: string;
  query: URLSearchParams;
  agent: Agent;
  /** the request body as text ('' if none) */
  bodyText: string;
}

export interface RestReply {
  /** HTTP status, from the GWS statusCode (GWS-NOTES §3) */
  status: number;
  body: GwsResponse;
  notifications: Notification[];
  endsSession: boolean;
}

interface RouteContext {
  board: Switchboard;
  agent: Agent;
  query: URLSearchParams;
  origin: string;
  /** path parameters, in pattern order */
  params: string[];
  bodyText: string;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: (ctx: RouteContext) => Outcome;
}

const ok = (fields: Record<string, unknown> = {}): Outcome => ({
  response: { statusCode: STATUS_CODES.OK, ...fields },
  notifications: [],
});

const notFound = (statusMessage: string): Outcome => refused(fail(STATUS_CODES.NOT_FOUND, statusMessage));

/** Runs `run` on a parsed operation body, or answers the parse failure (statusCode 1). */
const withOperation =
  (run: (ctx: RouteContext, operationName: string, body: Record<string, unknown>) => Outcome) =>
  (ctx: RouteContext): Outcome => {
    const parsed = parseOperationBody(ctx.bodyText);
    if (!parsed.ok) return refused(parsed);
    return run(ctx, parsed.value.operationName, parsed.value.body);
  };

/** `?fields=*` (or any field list) asks for whole objects instead of URIs (GWS-NOTES §1, Request Parameters). */
const wantsObjects = (query: URLSearchParams): boolean => query.has('fields');

const deviceUriOf = (origin: string, agent: Agent): string =>
  `${origin}${API_PREFIX}/devices/${agent.deviceId}`;

const channelsOf = (agent: Agent): Record<string, unknown>[] => [
  {
    channel: 'voice',
    phoneNumber: agent.phoneNumber,
    switchName: 'SIP_Switch',
    userActivity: 'Idle',
    userState: { ...agent.userState },
  },
];

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/diagnostics\/version$/,
    handle: () => ok({ version: GWS_VERSION }),
  },
  {
    method: 'GET',
    pattern: /^\/me$/,
    handle: ({ agent, origin, query }) => {
      const user: Record<string, unknown> = { ...userView(agent, origin) };
      if (query.has('subresources')) {
        user.devices = [deviceView(agent, origin)];
        user.channels = channelsOf(agent);
        user.settings = {};
      }
      return ok({ user });
    },
  },
  {
    method: 'POST',
    pattern: /^\/me$/,
    handle: withOperation(({ board, agent }, op, body) => board.sessionOperation(agent, op, body)),
  },
  {
    method: 'GET',
    pattern: /^\/me\/calls$/,
    handle: ({ board, agent, origin, query }) => {
      const calls = board.callsOf(agent);
      return wantsObjects(query) ? ok({ calls }) : ok({ uris: calls.map((c) => callUri(origin, c.id)) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/me\/calls\/([^/]+)$/,
    handle: ({ board, agent, params }) => {
      const call = board.callOf(agent, params[0] ?? '');
      return call === undefined ? notFound(`Call ${params[0]} does not exist`) : ok({ call });
    },
  },
  {
    method: 'POST',
    pattern: /^\/me\/calls\/([^/]+)$/,
    handle: withOperation(({ board, agent, params }, op, body) =>
      board.callOperation(agent, params[0] ?? '', op, body),
    ),
  },
  {
    method: 'GET',
    pattern: /^\/me\/devices$/,
    handle: ({ agent, origin, query }) =>
      wantsObjects(query)
        ? ok({ devices: [deviceView(agent, origin)] })
        : ok({ uris: [deviceUriOf(origin, agent)] }),
  },
  {
    method: 'GET',
    pattern: /^\/me\/devices\/([^/]+)$/,
    handle: ({ agent, origin, params }) =>
      params[0] === agent.deviceId
        ? ok({ device: deviceView(agent, origin) })
        : notFound(`Device ${params[0]} does not exist`),
  },
  {
    method: 'POST',
    pattern: /^\/me\/devices\/([^/]+)$/,
    handle: withOperation(({ board, agent, params }, op) =>
      board.deviceOperation(agent, params[0] ?? '', op),
    ),
  },
  {
    method: 'POST',
    pattern: /^\/me\/devices\/([^/]+)\/calls$/,
    handle: withOperation(({ board, agent, params }, op, body) =>
      board.dial(agent, params[0] ?? '', op, body),
    ),
  },
  {
    method: 'GET',
    pattern: /^\/devices\/([^/]+)$/,
    handle: ({ board, origin, params }) => {
      const owner = board.agents.byDeviceId(params[0] ?? '');
      return owner === undefined
        ? notFound(`Device ${params[0]} does not exist`)
        : ok({ device: deviceView(owner, origin) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/me\/channels$/,
    handle: ({ agent }) => ok({ channels: channelsOf(agent) }),
  },
  {
    method: 'POST',
    pattern: /^\/me\/channels\/voice$/,
    handle: withOperation(({ board, agent }, op) => board.agentState(agent, op)),
  },
  {
    method: 'GET',
    pattern: /^\/settings\/agent-states$/,
    handle: () => ok({ settings: Object.values(USER_STATES) }),
  },
];

/** Serves one request under `/api/v2`; the path given is the full path (with the prefix). */
export const handleRest = (board: Switchboard, origin: string, req: RestRequest): RestReply => {
  const subPath = req.pathname.slice(API_PREFIX.length).replace(/\/+$/, '');
  let outcome: Outcome | undefined;
  for (const route of ROUTES) {
    const match = route.pattern.exec(subPath);
    if (match === null || route.method !== req.method) continue;
    outcome = route.handle({
      board,
      agent: req.agent,
      query: req.query,
      origin,
      params: match.slice(1).map(decodePathSegment),
      bodyText: req.bodyText,
    });
    break;
  }
  outcome ??= notFound(`No resource at ${req.method} ${req.pathname}`);
  return {
    status: HTTP_STATUS_BY_STATUS_CODE[outcome.response.statusCode] ?? 400,
    body: outcome.response,
    notifications: outcome.notifications,
    endsSession: outcome.endsSession ?? false,
  };
};
