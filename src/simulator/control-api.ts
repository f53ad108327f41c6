// The simulator's own control API under /sim (not GWS): ring calls at agents, make the far end answer or hang up, look around.
import { type ErrorCode, errorBody } from '../common/errors.js';
import { isRecord } from '../common/is-record.js';
import { STATUS_CODES, type UserData } from '../gws/index.js';
import type { Notification } from './notifications.js';
import type { ControlFailure, ControlResult, Switchboard } from './switchboard.js';

export const CONTROL_PREFIX = '/sim';

export interface ControlReply {
  status: number;
  body: unknown;
  notifications: Notification[];
}

const USAGE =
  'POST /sim/calls {"to":"5005","from":"5000"} rings a call; POST /sim/calls/{id}/answer and /sim/calls/{id}/hangup act for the far end, /sim/calls/{id}/error sends an ErrorMessage; GET /sim/calls and /sim/agents list state';

const CODE_BY_STATUS: Record<ControlFailure['status'], ErrorCode> = {
  400: 'VCR_SIM_BAD_REQUEST',
  404: 'VCR_SIM_NOT_FOUND',
  409: 'VCR_SIM_INVALID_STATE',
};

const failure = (status: ControlFailure['status'], message: string): ControlReply => ({
  status,
  body: errorBody(CODE_BY_STATUS[status], message),
  notifications: [],
});

const fromResult = (result: ControlResult): ControlReply =>
  result.ok
    ? {
        status: 200,
        body: { id: result.call.id, state: result.call.state },
        notifications: result.notifications,
      }
    : failure(result.status, result.message);

/** A phone number given as a JSON string or number. */
const numberField = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

const parseBody = (text: string): Record<string, unknown> | undefined => {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

const ring = (board: Switchboard, body: Record<string, unknown>): ControlReply => {
  const to = numberField(body, 'to');
  const from = numberField(body, 'from');
  if (to === undefined || from === undefined) {
    return failure(
      400,
      'POST /sim/calls needs "to" (an agent\'s number) and "from", e.g. {"to":"5005","from":"5000"}',
    );
  }
  const { userData, queue } = body;
  if (userData !== undefined && !isRecord(userData)) return failure(400, '"userData" must be an object');
  const result = board.ring({
    to,
    from,
    isQueued: queue !== undefined && queue !== false && queue !== null,
    ...(userData === undefined ? {} : { userData: userData as UserData }),
  });
  return result.ok
    ? { status: 200, body: { id: result.call.id }, notifications: result.notifications }
    : failure(result.status, result.message);
};

/** Publishes an ErrorMessage about a call; the defaults say plainly that the failure is simulated. */
const asyncError = (board: Switchboard, id: string, body: Record<string, unknown>): ControlReply => {
  const { errorCode = STATUS_CODES.INTERNAL_ERROR, errorMessage = 'Simulated asynchronous failure' } = body;
  if (typeof errorCode !== 'number' || !Number.isInteger(errorCode) || typeof errorMessage !== 'string') {
    return failure(
      400,
      '"errorCode" must be an integer and "errorMessage" a string, e.g. {"errorCode":4,"errorMessage":"Call rejected"}',
    );
  }
  return fromResult(board.asyncError(id, errorCode, errorMessage));
};

/** Serves one request under `/sim`; the body is the request's text ('' if none). */
export const handleControl = (
  board: Switchboard,
  method: string,
  pathname: string,
  bodyText: string,
): ControlReply => {
  const path = pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const body = method === 'POST' ? parseBody(bodyText) : {};
  if (body === undefined) return failure(400, `the body is not a JSON object; ${USAGE}`);
  if (method === 'POST' && path === '/calls') return ring(board, body);
  const action = /^\/calls\/([^/]+)\/(answer|hangup|error)$/.exec(path);
  if (method === 'POST' && action?.[1] !== undefined) {
    const id = action[1];
    if (action[2] === 'answer') return fromResult(board.remoteAnswer(id));
    if (action[2] === 'error') return asyncError(board, id, body);
    return fromResult(board.remoteHangup(id, numberField(body, 'participant')));
  }
  if (method === 'GET' && path === '/calls') {
    const calls = board.allCalls().map((c) => ({
      id: c.id,
      agent: c.agent.phoneNumber,
      state: c.state,
      callType: c.callType,
      participants: c.participants,
      ...(c.parentId === undefined ? {} : { parentId: c.parentId }),
    }));
    return { status: 200, body: { calls }, notifications: [] };
  }
  if (method === 'GET' && path === '/agents') {
    const agents = board.agents.all().map((a) => ({
      phoneNumber: a.phoneNumber,
      userName: a.userName,
      deviceId: a.deviceId,
      userState: a.userState,
      doNotDisturb: a.doNotDisturb,
    }));
    return { status: 200, body: { agents }, notifications: [] };
  }
  return failure(404, `no control endpoint ${method} ${pathname}; ${USAGE}`);
};
