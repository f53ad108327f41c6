// Every error code gws-vcr raises, and the one JSON shape errors take when they cross HTTP.

/** All codes in one place, as fastify keeps them; each is documented in README "Errors". */
export type ErrorCode =
  | 'VCR_BAD_OPTION'
  | 'VCR_STORE_NOT_VCR_DB'
  | 'VCR_STORE_CORRUPT'
  | 'VCR_STORE_TOO_NEW'
  | 'VCR_STORE_TOO_OLD'
  | 'VCR_STORE_NOT_FOUND'
  | 'VCR_STORE_CANNOT_OPEN'
  | 'VCR_STORE_WRITE_FAILED'
  | 'VCR_SESSION_NOT_FOUND'
  | 'VCR_NO_SESSIONS'
  | 'VCR_UPSTREAM_UNREACHABLE'
  | 'VCR_UPSTREAM_RESET'
  | 'VCR_UPSTREAM_BAD_RESPONSE'
  | 'VCR_PROXY_BAD_REQUEST'
  | 'VCR_REPLAY_NO_MATCH'
  | 'VCR_REPLAY_NO_RESPONSE'
  | 'VCR_REPLAY_LOCAL_ONLY'
  | 'VCR_HAR_INVALID'
  | 'VCR_HAR_UNREADABLE'
  | 'VCR_HAR_WRITE_FAILED'
  | 'VCR_LISTEN_FAILED'
  | 'VCR_DASHBOARD_UNSAFE_HOST'
  | 'VCR_DASHBOARD_UNAUTHORIZED'
  | 'VCR_DASHBOARD_BAD_QUERY'
  | 'VCR_DASHBOARD_NOT_FOUND'
  | 'VCR_DASHBOARD_FAILED'
  | 'VCR_BAYEUX_BAD_REQUEST'
  | 'VCR_BAYEUX_CLOSED'
  | 'VCR_SIM_BAD_REQUEST'
  | 'VCR_SIM_NOT_FOUND'
  | 'VCR_SIM_INVALID_STATE';

export interface VcrErrorOptions {
  /** what the user can do next, printed after the message */
  hint?: string;
  /** HTTP status when the error is answered over HTTP */
  statusCode?: number;
  cause?: unknown;
}

export class VcrError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly statusCode: number | undefined;

  constructor(code: ErrorCode, message: string, options: VcrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VcrError';
    this.code = code;
    this.hint = options.hint;
    this.statusCode = options.statusCode;
  }
}

export const isVcrError = (err: unknown): err is VcrError => err instanceof VcrError;

/** The single JSON shape of an error sent over HTTP: `{ error, message, ...details }`. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

export const errorBody = (
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): ErrorBody => ({
  error: code,
  message,
  ...details,
});
