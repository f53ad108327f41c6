import { describe, expect, it } from 'vitest';
import {
  CALL_KEY_ORDER,
  CAPABILITIES,
  GWS_CHANNELS,
  HTTP_STATUS_BY_STATUS_CODE,
  STATUS_CODES,
  URL_FIELDS,
} from '../../src/gws/index.js';
import { seedNotifications } from '../helpers/seed.js';

const seed = seedNotifications();
const sample2 = seed.filter((n) => n.sample === 'Sample 2').map((n) => n.data.call);

describe('gws constants', () => {
  it('reads all eight notifications of the seed page', () => {
    expect(seed.map((n) => `${n.sample} ${n.data.call.state} ${n.data.call.callType}`)).toEqual([
      'Sample 1 Released Internal',
      'Sample 1 Released Consult',
      'Sample 2 Ringing Internal',
      'Sample 2 Established Internal',
      'Sample 2 Held Internal',
      'Sample 2 Dialing Consult',
      'Sample 2 Released Internal',
      'Sample 2 Released Consult',
    ]);
    expect(new Set(seed.map((n) => n.channel))).toEqual(new Set([GWS_CHANNELS.calls]));
  });

  it('copies the capability lists of the seed in their order', () => {
    const [ringing, established, held, consult, ...released] = sample2;
    expect(ringing?.capabilities).toEqual([...CAPABILITIES.ringing]);
    expect(established?.capabilities).toEqual([...CAPABILITIES.established]);
    expect(held?.capabilities).toEqual([...CAPABILITIES.held]);
    expect(consult?.capabilities).toEqual([...CAPABILITIES.consultDialing]);
    for (const call of released) expect(call.capabilities).toEqual([...CAPABILITIES.released]);
  });

  it('orders call keys as every seed call object does', () => {
    for (const { data } of seed) {
      const keys = Object.keys(data.call);
      expect(keys).toEqual(CALL_KEY_ORDER.filter((k) => keys.includes(k)));
    }
  });

  it('names every absolute-URI field the seed carries', () => {
    const uriKeys = seed.flatMap(({ data }) =>
      Object.entries(data.call)
        .filter(([, v]) => typeof v === 'string' && v.startsWith('http'))
        .map(([k]) => k),
    );
    for (const key of new Set(uriKeys)) expect(URL_FIELDS).toContain(key);
  });

  it('maps every status code to an HTTP status, 0 to 200 and access denied to 401', () => {
    expect(HTTP_STATUS_BY_STATUS_CODE[STATUS_CODES.OK]).toBe(200);
    expect(HTTP_STATUS_BY_STATUS_CODE[STATUS_CODES.ACCESS_DENIED]).toBe(401);
    expect(HTTP_STATUS_BY_STATUS_CODE[STATUS_CODES.NOT_FOUND]).toBe(404);
    expect(HTTP_STATUS_BY_STATUS_CODE[STATUS_CODES.INVALID_STATE]).toBe(400);
  });
});
