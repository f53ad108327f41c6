// A HAR saved from a browser against a real server, imported and analyzed through the real bin.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AnalyzeJson } from '../../src/analysis/index.js';
import { tempDbPath } from '../helpers/store-rows.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CHROME_HAR = join(ROOT, 'test', 'fixtures', 'chrome-gws.har');
const bin = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['bin/gws-vcr.js', ...args], { cwd: ROOT });

describe('gws-vcr analyze on an imported HAR', () => {
  it("finds the seed's transfer in a Chrome HAR: absolute URLs, WebSocket then long-polling, one ok transfer", async () => {
    const db = tempDbPath();
    await bin('import', CHROME_HAR, '--db', db);
    const { stdout, stderr } = await bin('analyze', '--db', db, '--json');
    expect(stderr).toBe('');
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
        steps: expect.objectContaining({
          initiateToDialingMs: expect.any(Number),
          dialingToCompleteMs: expect.any(Number),
          completeToReleasedMs: expect.any(Number),
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
