// `gws-vcr analyze` as users run it: the real bin in a child process against a real recording file.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnalyzeJson, analyzeSession } from '../../src/analysis/index.js';
import { analyzeFromDb } from '../../src/cli/analyze.js';
import { formatAnalysisReport, shortIds } from '../../src/cli/analyze-report.js';
import { openStore } from '../../src/store/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import {
  failedCompleteTransfer,
  type RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  seedTwoStepTransfer,
  twoStepConference,
} from '../helpers/rows.js';
import { makeMessage, makeSession, tempDbPath } from '../helpers/store-rows.js';

const NO_COLOR = { env: { ...process.env, NO_COLOR: '1' } };

/** Writes each script as one ended session, in order; returns the database path. */
const recordScripts = (...scripts: Array<[name: string, script: RecordingScript]>): string => {
  const path = tempDbPath();
  const store = openStore(path);
  for (const [name, script] of scripts) {
    const session = store.createSession(makeSession({ name }));
    const { exchanges, messages } = script.rows();
    store.writeRows(session.id, {
      exchanges: exchanges.map(({ sessionId: _, ...e }) => e),
      messages: messages.map(({ sessionId: _, ...m }) => m),
    });
    store.endSession(session.id, Date.now());
  }
  store.close();
  return path;
};

describe('gws-vcr analyze', () => {
  it('--json on the seed scenario reports one ok two-step transfer with its three step latencies', async () => {
    const db = recordScripts(['failed', failedCompleteTransfer()], ['seed', seedTwoStepTransfer()]);
    const { code, stdout, stderr } = await runCli(['analyze', '--db', db, '--json'], NO_COLOR);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(stdout) as AnalyzeJson;
    expect(json.session).toMatchObject({ id: 2, name: 'seed' });
    expect(json.calls.map((c) => [c.id, c.callType, c.parentId, c.states.map((s) => s.state)])).toEqual([
      [SEED_CALL_A.id, 'Internal', null, ['Ringing', 'Established', 'Held', 'Released']],
      [SEED_CALL_B.id, 'Consult', SEED_CALL_A.id, ['Dialing', 'Released']],
    ]);
    expect(json.transfers).toHaveLength(1);
    expect(json.transfers[0]).toMatchObject({
      kind: 'two-step',
      originalCallId: SEED_CALL_A.id,
      consultCallId: SEED_CALL_B.id,
      destination: '5001',
      steps: SEED_STEPS,
      ok: true,
    });
    expect(json.anomalies).toEqual([]);
  });

  it('--session picks an older session by id or name, and the report names what failed', async () => {
    const db = recordScripts(['failed', failedCompleteTransfer()], ['seed', seedTwoStepTransfer()]);
    const byId = await runCli(['analyze', '--db', db, '--session', '1', '--json'], NO_COLOR);
    const json = JSON.parse(byId.stdout) as AnalyzeJson;
    expect(json.transfers[0]).toMatchObject({ ok: false });
    expect(json.anomalies.map((a) => a.kind)).toEqual(['request-failed', 'never-released', 'never-released']);

    const text = await runCli(['analyze', '--db', db, '--session', 'failed'], NO_COLOR);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Session 1 "failed"');
    expect(text.stdout).toMatch(/two-step transfer at 36\.900s: …\w+ → 5001 \(consult …\w+\) {2}FAILED/);
    expect(text.stdout).toContain('CompleteTransfer failed with statusCode 2');
    expect(text.stdout).toContain('Anomalies (3)');
    expect(text.stdout).not.toContain('\u001b[');
  });

  it('says what is wrong, on stderr with exit 1, for an unknown session or a missing file', async () => {
    const db = recordScripts(['seed', seedTwoStepTransfer()]);
    const missing = await runCli(['analyze', '--db', db, '--session', '9'], NO_COLOR);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^gws-vcr: no session "9" in .* it holds sessions 1/);
    const noFile = await runCli(['analyze', '--db', join(db, '..', 'nothing.sqlite')], NO_COLOR);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^gws-vcr: /);
    const badWindow = await runCli(['analyze', '--db', db, '--window', '-3'], NO_COLOR);
    expect(badWindow.code).toBe(1);
    expect(badWindow.stderr).toContain('is not a number > 0');
  });
});

/** The seed transfer, then `polls` answered /meta/connect polls: a session with thousands of messages to read. */
const busySession = (polls: number): { db: string; toClient: number } => {
  const db = recordScripts(['busy', seedTwoStepTransfer()]);
  const store = openStore(db);
  const first = Math.max(0, ...store.messages(1).map((m) => m.id)) + 1;
  const messages = Array.from({ length: polls * 2 }, (_, i) =>
    makeMessage({
      id: first + i,
      atMs: 100_000 + i,
      direction: i % 2 ? 'to-client' : 'to-server',
      channel: '/meta/connect',
      message: { channel: '/meta/connect', id: String(i >> 1), ...(i % 2 ? { successful: true } : {}) },
    }),
  );
  store.writeRows(1, { messages });
  const toClient = store.countMessages(1, { direction: 'to-client' });
  store.close();
  return { db, toClient };
};

const fakeStream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) > 0 };
};

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('gws-vcr analyze progress', () => {
  const options = { session: 'latest', windowMs: 5000 };

  it("on a terminal, shows the messages read of the session's total, then clears the line", () => {
    const { db, toClient } = busySession(2500);
    const stream = fakeStream(true);
    const analysis = analyzeFromDb({ ...options, db }, stream);
    expect(analysis).toEqual(analyzeFromDb({ ...options, db }));
    expect(analysis.stats.messages).toBe(toClient);
    expect(stream.writes[0]).toBe(
      `\r\u001b[Kanalyzing session 1: messages 1024/${toClient} (${Math.floor((1024 / toClient) * 100)}%)`,
    );
    expect(stream.writes.slice(-2)).toEqual([
      `\r\u001b[Kanalyzing session 1: messages ${toClient}/${toClient} (100%)`,
      '\r\u001b[K',
    ]);
  });

  it('off a terminal, draws nothing: stderr stays empty in a pipe', async () => {
    const { db } = busySession(2500);
    const stream = fakeStream(false);
    analyzeFromDb({ ...options, db }, stream);
    expect(stream.writes).toEqual([]);
    const { code, stdout, stderr } = await runCli(['analyze', '--db', db, '--json'], NO_COLOR);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect((JSON.parse(stdout) as AnalyzeJson).stats.messages).toBeGreaterThan(2500);
  });

  it.skipIf(!hasScript)('draws on a real terminal (a pty from script(1)), around the report', () => {
    const { db, toClient } = busySession(2500);
    const command = `'${process.execPath}' bin/gws-vcr.js analyze --db '${db}'`;
    const shown = execFileSync('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(shown).toContain(`analyzing session 1: messages ${toClient}/${toClient} (100%)\r\u001b[K`);
    expect(shown).toContain('two-step');
  });
});

describe('the analyze report', () => {
  it('shows each call as a lane, each transfer step in ms with OK, and no anomalies', () => {
    const report = formatAnalysisReport(analyzeSession(seedTwoStepTransfer().rows()), { isColor: false });
    expect(report).toContain(
      '…000005  Internal            Ringing 1.000s → Established 11.042s → Held 37.051s → Released 49.061s [5000]',
    );
    expect(report).toContain('…000006  Consult of …000005  Dialing 37.083s → Released 49.090s [5001]');
    expect(report).toMatch(/two-step transfer at 36\.900s: …000005 → 5001 \(consult …000006\) {2}OK/);
    expect(report).toContain(
      `InitiateTransfer → consult Dialing  ${`${SEED_STEPS.initiateToDialingMs}.0 ms`.padStart(12)}`,
    );
    expect(report).toContain(
      `consult Dialing → CompleteTransfer  ${`${SEED_STEPS.dialingToCompleteMs}.0 ms`.padStart(12)}`,
    );
    expect(report).toContain(
      `CompleteTransfer → both Released    ${`${SEED_STEPS.completeToReleasedMs}.0 ms`.padStart(12)}`,
    );
    expect(report).toContain('Anomalies (0)\n  none\n');
  });

  it('lists conference steps, and colours only when asked', () => {
    const analysis = analyzeSession(twoStepConference().rows());
    expect(formatAnalysisReport(analysis, { isColor: false })).toMatch(
      /CompleteConference → call updated +90\.0 ms/,
    );
    expect(formatAnalysisReport(analysis, { isColor: true })).toContain('\u001b[32mOK\u001b[39m');
  });

  it('keeps control characters of recorded content out of the terminal', () => {
    const script = seedTwoStepTransfer();
    const analysis = analyzeSession(script.rows({ name: 'evil\u001b[2J' }));
    const report = formatAnalysisReport(analysis, { isColor: false });
    expect(report).toContain('Session 1 "evil?[2J"');
    expect(report).not.toContain('\u001b');
  });

  it('shortens ids to the shortest suffix that tells them apart', () => {
    expect([
      ...shortIds(['011DJV5JI898NB2L04000VTAES000005', '011DJV5JI898NB2L04000VTAES000006']).values(),
    ]).toEqual(['…000005', '…000006']);
    expect([...shortIds(['XA0000000', 'XB0000000']).values()]).toEqual(['…A0000000', '…B0000000']);
    expect([...shortIds(['abc', 'abd']).values()]).toEqual(['abc', 'abd']);
  });
});
