// The HAR schema check the export tests lean on: it passes a minimal valid HAR and names what is wrong in others.
import { describe, expect, it } from 'vitest';
import { harSchemaErrors } from './har.js';

const minimalHar = () => ({
  log: { version: '1.2', creator: { name: 'gws-vcr', version: '0.1.0' }, entries: [] as unknown[] },
});

describe('harSchemaErrors', () => {
  it('finds nothing wrong in a minimal valid HAR', async () => {
    expect(await harSchemaErrors(minimalHar())).toEqual([]);
  });

  it('names the place of each error in a HAR that is not valid', async () => {
    const { log } = minimalHar();
    expect(await harSchemaErrors({ log: { ...log, creator: undefined } })).toEqual([
      expect.stringMatching(/creator/),
    ]);
    expect(await harSchemaErrors({ log: { ...log, entries: [{ startedDateTime: 'now' }] } })).not.toEqual([]);
    expect(await harSchemaErrors(null)).not.toEqual([]);
  });
});
