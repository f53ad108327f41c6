// Call ids in GWS's style (GWS-NOTES §8): callUuid = 23-char base32hex run prefix + "AES" + counter; connId = 16 hex, +1 per call.
import { randomBytes, randomInt } from 'node:crypto';

const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const UUID_PREFIX_LENGTH = 23;
const COUNTER_LENGTH = 6;
const CONN_ID_LENGTH = 16;

export interface CallIdsOptions {
  /** 23 chars of base32hex fixed for this run; random (starting "01", as in the seed) if absent */
  uuidPrefix?: string;
  /** counter of the first call; default 1 */
  firstCounter?: number;
  /** connId of the first call, 16 lowercase hex; random "0071…" (as in the seed) if absent */
  firstConnId?: string;
}

export interface CallIdPair {
  /** call `id`, equal to `callUuid` */
  id: string;
  connId: string;
}

export interface CallIds {
  next(): CallIdPair;
}

const randomBase32hex = (length: number): string =>
  Array.from({ length }, () => BASE32HEX[randomInt(BASE32HEX.length)]).join('');

const toBase32hex = (n: number, length: number): string => n.toString(32).toUpperCase().padStart(length, '0');

/** Throws on a malformed option: these come from code or config, never from a peer. */
export const createCallIds = (options: CallIdsOptions = {}): CallIds => {
  const prefix = options.uuidPrefix ?? `01${randomBase32hex(UUID_PREFIX_LENGTH - 2)}`;
  if (!new RegExp(`^[0-9A-V]{${UUID_PREFIX_LENGTH}}$`).test(prefix)) {
    throw new Error(`uuidPrefix "${prefix}" must be ${UUID_PREFIX_LENGTH} chars of 0-9A-V`);
  }
  const firstConnId = options.firstConnId ?? `0071${randomBytes(6).toString('hex')}`;
  if (!new RegExp(`^[0-9a-f]{${CONN_ID_LENGTH}}$`).test(firstConnId)) {
    throw new Error(`firstConnId "${firstConnId}" must be ${CONN_ID_LENGTH} lowercase hex digits`);
  }
  let counter = options.firstCounter ?? 1;
  let connId = BigInt(`0x${firstConnId}`);
  return {
    next: () => {
      const pair = {
        id: `${prefix}AES${toBase32hex(counter, COUNTER_LENGTH)}`,
        connId: connId.toString(16).padStart(CONN_ID_LENGTH, '0'),
      };
      counter += 1;
      connId += 1n;
      return pair;
    },
  };
};
