import { describe, expect, it } from 'vitest';
import { recordedClientsAtOnce } from '../../src/replay/recorded-clients.js';
import { messageRow } from '../helpers/store-rows.js';

const seen = (id: number, atMs: number, clientId: string | null) =>
  messageRow({ id, atMs, clientId, direction: 'to-server', channel: '/meta/connect' });

describe('recorded clients at once', () => {
  it('counts two agents connected through the same time as two', () => {
    expect(
      recordedClientsAtOnce([seen(1, 10, 'x'), seen(2, 11, 'y'), seen(3, 500, 'x'), seen(4, 501, 'y')]),
    ).toBe(2);
  });

  it('counts a client that re-handshook (the old id fell silent first) as one', () => {
    expect(
      recordedClientsAtOnce([seen(1, 10, 'x'), seen(2, 300, 'x'), seen(3, 300, 'y'), seen(4, 900, 'y')]),
    ).toBe(1);
  });

  it('counts messages without a clientId as nobody, and a client seen once as one', () => {
    expect(recordedClientsAtOnce([seen(1, 10, null), seen(2, 20, 'x')])).toBe(1);
    expect(recordedClientsAtOnce([])).toBe(0);
  });
});
