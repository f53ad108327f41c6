// Reads operation parameters from a request body that came off the wire; a bad one becomes a GWS failure, never an exception.
import { isRecord } from '../common/is-record.js';
import { STATUS_CODES, type UserData } from '../gws/index.js';

/** A request the simulator refuses: nothing changed (GWS-NOTES §3, Return Values). */
export interface OpFailure {
  ok: false;
  statusCode: number;
  statusMessage: string;
}

export type Param<T> = { ok: true; value: T } | OpFailure;

export const fail = (statusCode: number, statusMessage: string): OpFailure => ({
  ok: false,
  statusCode,
  statusMessage,
});

export const missing = (name: string): OpFailure =>
  fail(STATUS_CODES.MISSING_PARAMETER, `Required parameter '${name}' is missing`);

/** A non-empty string parameter. */
export const stringParam = (body: Record<string, unknown>, name: string): Param<string> => {
  const value = body[name];
  if (value === undefined || value === null || value === '') return missing(name);
  if (typeof value !== 'string') {
    return fail(STATUS_CODES.INVALID_VALUE, `Parameter '${name}' must be a string`);
  }
  return { ok: true, value };
};

/** `destination.phoneNumber` of Dial, the transfers and the conferences. */
export const destinationParam = (body: Record<string, unknown>): Param<string> => {
  const destination = body.destination;
  if (destination === undefined || destination === null) return missing('destination');
  if (!isRecord(destination)) {
    return fail(STATUS_CODES.INVALID_VALUE, "Parameter 'destination' must be an object with a phoneNumber");
  }
  const phoneNumber = stringParam(destination, 'phoneNumber');
  if (!phoneNumber.ok)
    return phoneNumber.statusCode === STATUS_CODES.MISSING_PARAMETER
      ? missing('destination.phoneNumber')
      : phoneNumber;
  return phoneNumber;
};

/** `userData`: a flat object of string keys to string or number values. */
export const userDataParam = (body: Record<string, unknown>, isRequired: boolean): Param<UserData> => {
  const value = body.userData;
  if (value === undefined || value === null)
    return isRequired ? missing('userData') : { ok: true, value: {} };
  if (!isRecord(value)) return fail(STATUS_CODES.INVALID_VALUE, "Parameter 'userData' must be an object");
  const userData: UserData = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      return fail(STATUS_CODES.INVALID_VALUE, `userData '${key}' must be a string or a number`);
    }
    userData[key] = item;
  }
  return { ok: true, value: userData };
};

/** DTMF digits: 0-9, `*` and `#`. */
export const digitsParam = (body: Record<string, unknown>): Param<string> => {
  const digits = stringParam(body, 'digits');
  if (!digits.ok) return digits;
  if (!/^[0-9*#]+$/.test(digits.value)) {
    return fail(
      STATUS_CODES.INVALID_VALUE,
      `Parameter 'digits' must hold only 0-9, * and #, not "${digits.value}"`,
    );
  }
  return digits;
};
