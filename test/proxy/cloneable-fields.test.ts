import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cloneableFields } from '../../src/proxy/cloneable-fields.js';

/** What the other side of a port receives when `fields` is posted, as the store worker posts a log line. */
const acrossThreads = (fields: Record<string, unknown>): unknown => {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(fields);
    return receiveMessageOnPort(port2)?.message;
  } finally {
    port1.close();
  }
};

describe('cloneableFields', () => {
  it('keeps fields that clone as they are, and an Error as its message and code', () => {
    const err = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    expect(
      acrossThreads(cloneableFields({ rows: 3, table: 'exchanges', nested: { ids: [1, 2] }, err })),
    ).toEqual({
      rows: 3,
      table: 'exchanges',
      nested: { ids: [1, 2] },
      err: { message: 'disk I/O error', code: 'SQLITE_IOERR' },
    });
  });

  it('turns what cannot be cloned into its string form, so the line crosses with its other fields', () => {
    const fields = { rows: 3, retry: () => undefined, holder: { callback: () => undefined } };
    expect(() => acrossThreads(fields)).toThrow();
    expect(acrossThreads(cloneableFields(fields))).toEqual({
      rows: 3,
      retry: String(fields.retry),
      holder: '[object Object]',
    });
  });
});
