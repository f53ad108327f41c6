// The README is the user guide: it must name every command, every error code, and the test command CI runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../src/cli/commands.js';

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
});
