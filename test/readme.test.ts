// The README is the user guide: it must name every command, every error code, the test command CI runs, and show
// examples and reports as the code and commands it names produce them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../src/cli/commands.js';
import { runCli } from './helpers/cli.js';
import { tempDbPath } from './helpers/store-rows.js';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every error code defined in src/common/errors.ts', () => {
    const source = readFileSync(join(ROOT, 'src', 'common', 'errors.ts'), 'utf8');
    const union = source.slice(
      source.indexOf('export type ErrorCode'),
      source.indexOf(';', source.indexOf('export type ErrorCode')),
    );
    const codes = [...union.matchAll(/'(VCR_[A-Z_]+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });

  it('shows every command of the cli, each in a row of the commands table naming all its options', () => {
    const commands = allCommands();
    expect(commands.map((c) => c.name())).toContain('record');
    const lines = readme.split('\n');
    for (const command of commands) {
      expect(readme).toContain(`\`${command.name()}`);
      // | `record --upstream URL` | `--port 8090`, … |
      const heading = new RegExp(`^\\| \`${command.name()}[ \`]`);
      const row = lines.find((line) => heading.test(line) && line.includes('`--'));
      expect(row, `no row for ${command.name()} in the commands table`).toBeDefined();
      const missing = command.options
        .map((option) => option.long as string)
        .filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(row ?? ''));
      expect(missing, `options of ${command.name()} missing from its row`).toEqual([]);
    }
  });

  it('gives the two one-line commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});

describe('README examples', () => {
  it('quotes examples/replay-in-ci.test.ts exactly as npm test runs it', () => {
    const example = readFileSync(join(ROOT, 'examples', 'replay-in-ci.test.ts'), 'utf8').trimEnd();
    expect(readme).toContain(example);
  });

  it('shows an analyze report the command it names prints, line for line but for ids, times and padding', async () => {
    const quoted =
      /```\n(Session 1 [\s\S]*?)```\n\n\(`gws-vcr demo --once --think-ms 0` then `gws-vcr analyze`/.exec(
        readme,
      );
    expect(quoted, 'the report block, then the sentence naming its commands').not.toBeNull();
    const db = tempDbPath();
    const demo = await runCli(['demo', '--once', '--think-ms', '0', '--db', db]);
    expect(demo.code, demo.stderr).toBe(0);
    const analyze = await runCli(['analyze', '--db', db]);
    expect(analyze.code, analyze.stderr).toBe(0);
    // a call id (32 characters), then every number, then runs of spaces
    const shape = (line: string) =>
      line
        .replace(/\b[0-9A-Z]{32}\b/g, 'ID')
        .replace(/\d+(?:[.,:-]\d+)*/g, 'N')
        .replace(/ +/g, ' ');
    const printed = new Set(analyze.stdout.split('\n').map(shape));
    const lines = (quoted?.[1] ?? '').split('\n').filter((line) => line.trim() !== '' && line.trim() !== '…');
    expect(lines.length).toBeGreaterThan(15);
    expect(lines.filter((line) => !printed.has(shape(line)))).toEqual([]);
  }, 60_000);
});
