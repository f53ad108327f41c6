// The README is the user guide: it must name every command, every error code, and the test command CI runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

  it('shows every command of the cli', () => {
    const main = readFileSync(join(ROOT, 'src', 'cli', 'commands.ts'), 'utf8');
    const files = [...main.matchAll(/from '\.\/([a-z-]+)\.js'/g)].map((m) => m[1] as string);
    const commands = files.map((file) => {
      const text = readFileSync(join(ROOT, 'src', 'cli', `${file}.ts`), 'utf8');
      return /(?:new Command|\.command)\('([a-z]+)'/.exec(text)?.[1];
    });
    expect(commands).toContain('record');
    for (const command of commands) expect(readme).toContain(`\`${command}`);
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
