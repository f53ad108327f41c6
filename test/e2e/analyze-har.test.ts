// A HAR saved from a browser against a real server, imported and analyzed through the real bin.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalyzeJson } from '../../src/analysis/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/store-rows.js';

const CHROME_HAR = join(ROOT, 'test', 'fixtures', 'chrome-gws.har');

describe('gws-vcr analyze on an imported HAR', () => {
  it("finds the seed's transfer in a Chrome HAR: absolute URLs, WebSocket then long-polling, one ok transfer", async () => {
    const db = tempDbPath();
    expect(await runCli(['import', CHROME_HAR, '--db', db])).toMatchObject({ code: 0 });
    const { code, stdout, stderr } = await runCli(['analyze', '--db', db, '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(stdout) as AnalyzeJson;
    expect(json.session).toMatchObject({ name: 'chrome-gws.har', source: 'har-import' });
    expect(json.calls.map((c) => [c.id.slice(-6), c.callType, c.parentId?.slice(-6) ?? null])).toEqual([
      ['000005', 'Internal', null],
      ['000006', 'Consult', '000005'],
    ]);
    expect(json.transfers).toEqual([
      expect.objectContaining({
        kind: 'two-step',
        destination: '5001',
        ok: true,
        // the times the HAR's entries give: a number of any size here would hide a mistimed import
        steps: expect.objectContaining({
          initiateToDialingMs: 100,
          dialingToCompleteMs: 11_900,
          completeToReleasedMs: 100,
        }),
      }),
    ]);
    expect(json.operations.map((op) => [op.operationName, op.statusCode, op.notifications.length])).toEqual([
      ['Ready', 0, 1],
      ['Answer', 0, 1],
      ['InitiateTransfer', 0, 2],
      ['CompleteTransfer', 0, 2],
    ]);
    expect(json.anomalies).toEqual([]);
  });
});
