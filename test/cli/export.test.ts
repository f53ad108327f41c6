// `gws-vcr export` as users run it: the real bin writes a HAR 1.2 file that `gws-vcr import` restores exactly.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { harSchemaErrors } from '../helpers/har.js';
import { recordHarSample } from '../helpers/har-session.js';
import { rowsOf, tempDbPath, tempDir } from '../helpers/store-rows.js';

const sampleDb = (): string => {
  const path = tempDbPath();
  const store = openStore(path);
  recordHarSample(store);
  store.close();
  return path;
};

describe('gws-vcr export', () => {
  it('writes valid HAR 1.2, says what it wrote, and imports back with the same rows', async () => {
    const db = sampleDb();
    const dir = tempDir();
    const har = join(dir, 'sample.har');
    const exported = await runCli(['export', '--db', db, '--session', 'latest', '--har', har]);
    expect(exported).toEqual({
      code: 0,
      stdout: '',
      stderr: `wrote ${har}: session 1, 9 entries, 7 WebSocket frames, 10 Bayeux messages\n`,
    });
    expect(await harSchemaErrors(JSON.parse(readFileSync(har, 'utf8')))).toEqual([]);
    expect(readdirSync(dir)).toEqual(['sample.har']);

    const copyDb = join(dir, 'copy.sqlite');
    const imported = await runCli(['import', har, '--db', copyDb]);
    expect(imported).toMatchObject({
      code: 0,
      stdout: 'imported session 1 (9 exchanges, 10 messages)\n',
      stderr: '',
    });
    const [a, b] = [openStore(db, { readonly: true }), openStore(copyDb, { readonly: true })];
    try {
      expect(rowsOf(b, 1)).toEqual(rowsOf(a, 1));
      expect(b.resolveSession(1).originWallMs).toBe(a.resolveSession(1).originWallMs);
    } finally {
      a.close();
      b.close();
    }
  });

  it('fails with a message, leaving no file behind, for a missing database, session or folder', async () => {
    const db = sampleDb();
    const dir = tempDir();
    const aFile = join(tempDir(), 'a-file');
    writeFileSync(aFile, 'not a folder');
    const [noDb, noSession, noFolder, noHar, aFolder, underFile] = await Promise.all([
      runCli(['export', '--db', join(dir, 'none.sqlite'), '--har', join(dir, 'a.har')]),
      runCli(['export', '--db', db, '--session', '42', '--har', join(dir, 'b.har')]),
      runCli(['export', '--db', db, '--har', join(dir, 'no', 'such', 'c.har')]),
      runCli(['export', '--db', db]),
      runCli(['export', '--db', db, '--har', tempDir()]),
      runCli(['export', '--db', db, '--har', join(aFile, 'd.har')]),
    ]);
    expect(noDb).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`gws-vcr: ${join(dir, 'none.sqlite')} does not exist`),
    });
    expect(noSession).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('gws-vcr: no session "42" in'),
    });
    expect(noFolder).toMatchObject({ code: 1, stdout: '' });
    expect(noFolder.stderr).toMatch(
      new RegExp(`^gws-vcr: cannot write ${join(dir, 'no', 'such', 'c.har')} \\(ENOENT`),
    );
    expect(noHar).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("required option '--har <file>' not specified"),
    });
    expect(aFolder).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^gws-vcr: cannot write .+ \(E/),
    });
    // a file where a folder should be: the write fails, and so does removing the partial file after it
    expect(underFile).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`^gws-vcr: cannot write ${join(aFile, 'd.har')} \\(ENOTDIR`)),
    });
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await runCli(['export', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: gws-vcr export [options]');
    expect(stdout).toMatch(/--session <id> +session to export: an id, a name, or latest/);
    expect(stdout).toMatch(/--har <file> +HAR file to write/);
    expect(stdout).toContain('_webSocketMessages');
  });
});
