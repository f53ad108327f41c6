// Checks every import under src/ against STYLE.md's table of which part may import which.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED: Record<string, string[]> = {
  common: [],
  gws: ['common'],
  bayeux: ['common'],
  store: ['common'],
  simulator: ['common', 'gws', 'bayeux'],
  agent: ['common', 'gws', 'bayeux'],
  proxy: ['common', 'gws', 'bayeux', 'store'],
  replay: ['common', 'gws', 'bayeux', 'store'],
  analysis: ['common', 'gws', 'store'],
  dashboard: ['common', 'store', 'analysis'],
  cli: ['common', 'gws', 'bayeux', 'agent', 'store', 'simulator', 'proxy', 'replay', 'analysis', 'dashboard'],
};

const SRC = join(import.meta.dirname, '..', 'src');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

const importsOf = (file: string): string[] =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2]) as string);

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('puts every source file in a known part', () => {
    const parts = files.map((f) => relative(SRC, f).split(sep)[0]);
    expect(parts.filter((p) => p === undefined || !(p in ALLOWED))).toEqual([]);
  });

  it('imports only in the directions STYLE.md draws, and other parts only through their index.ts', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = relative(SRC, file).split(sep)[0] as string;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(SRC, join(file, '..', spec)).split(sep);
        const to = target[0] as string;
        if (to === from) continue;
        if (!ALLOWED[from]?.includes(to)) violations.push(`${relative(SRC, file)} imports ${to} (${spec})`);
        else if (to !== 'common' && to !== 'gws' && target.slice(1).join('/') !== 'index.js') {
          violations.push(`${relative(SRC, file)} reaches into ${to} past its index.ts (${spec})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
