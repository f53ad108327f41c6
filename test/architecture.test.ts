// Checks every import under src/ against STYLE.md's table of which part may import which.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
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

/** Parts without an index.ts: a handful of small modules other parts import one by one. */
const WITHOUT_INDEX = ['common'];

const SRC = join(import.meta.dirname, '..', 'src');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/**
 * Every module a source text names, as TypeScript's own scanner reads them: imports and re-exports (type-only
 * too), side-effect imports, import() in code and in types, and require(); never text in strings or comments.
 */
const importsOf = (text: string): string[] =>
  ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);

/** What is wrong with the imports of the file at `path` (relative to src/, `/`-separated) whose text is `text`. */
const violationsOf = (path: string, text: string): string[] => {
  const from = path.split('/')[0] as string;
  const violations: string[] = [];
  for (const spec of importsOf(text)) {
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(path), spec)).split('/');
    const to = target[0] as string;
    if (to === from) continue;
    if (!ALLOWED[from]?.includes(to)) violations.push(`${path} imports ${to} (${spec})`);
    else if (!WITHOUT_INDEX.includes(to) && target.slice(1).join('/') !== 'index.js') {
      violations.push(`${path} reaches into ${to} past its index.ts (${spec})`);
    }
  }
  return violations;
};

/** The imports and re-exports of a source text that bring in values, not only types, as `what (from)`. */
const valueImportsOf = (text: string): string[] =>
  ts
    .createSourceFile('a.ts', text, ts.ScriptTarget.Latest, true)
    .statements.filter(
      (s): s is ts.ImportDeclaration | ts.ExportDeclaration =>
        (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly !== true) ||
        (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined && !s.isTypeOnly),
    )
    .map((s) => s.getText().split('\n')[0] as string);

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('puts every source file in a known part', () => {
    const parts = files.map((f) => relative(SRC, f).split(sep)[0]);
    expect(parts.filter((p) => p === undefined || !(p in ALLOWED))).toEqual([]);
  });

  it('imports only in the directions STYLE.md draws, and other parts only through their index.ts', () => {
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) =>
      violationsOf(relative(SRC, file).split(sep).join('/'), readFileSync(file, 'utf8')),
    );
    expect(violations).toEqual([]);
  });

  it("keeps each part's types.ts free of values: it imports only types", () => {
    const typeFiles = files.filter((f) => f.endsWith(`${sep}types.ts`));
    expect(typeFiles.length).toBeGreaterThan(5);
    const offending = typeFiles.flatMap((f) =>
      valueImportsOf(readFileSync(f, 'utf8')).map((line) => `${relative(SRC, f)}: ${line}`),
    );
    expect(offending).toEqual([]);
    expect(valueImportsOf("import { CAPABILITIES } from '../gws/index.js';")).toHaveLength(1);
    expect(valueImportsOf("import '../gws/index.js';")).toHaveLength(1);
    expect(valueImportsOf("export { CAPABILITIES } from '../gws/index.js';")).toHaveLength(1);
    expect(
      valueImportsOf("import type { Call } from '../gws/index.js';\nexport type * from './x.js';"),
    ).toEqual([]);
  });

  it('would see a forbidden import in any form an import can take', () => {
    const cases: Array<[string, string]> = [
      ['store/a.ts', "import { startRecorder } from '../proxy/index.js';"],
      ['store/a.ts', "import '../proxy/index.js';"],
      ['store/a.ts', "import type { Recorder } from '../proxy/index.js';"],
      ['store/a.ts', "export * from '../proxy/index.js';"],
      ['store/a.ts', "export { startRecorder } from '../proxy/index.js';"],
      ['store/a.ts', "const proxy = await import('../proxy/index.js');"],
      ['store/a.ts', "type R = import('../proxy/index.js').Recorder;"],
      ['store/a.ts', "const proxy = require('../proxy/index.js');"],
      ['store/deep/a.ts', "import { startRecorder } from '../../proxy/index.js';"],
      ['store/a.ts', "import {\n  startRecorder, // the proxy's\n} from '../proxy/index.js';"],
      ['common/a.ts', "import { makeExchange } from '../../test/helpers/store-rows.js';"],
    ];
    for (const [path, text] of cases) {
      expect(violationsOf(path, text), text).toEqual([expect.stringMatching(/ imports (proxy|\.\.) /)]);
    }
    for (const text of [
      "import { SessionWriter } from '../store/session-writer.js';",
      "import type { CallState } from '../gws/types.js';",
    ]) {
      expect(violationsOf('proxy/a.ts', text), text).toEqual([expect.stringContaining('past its index.ts')]);
    }
  });

  it('lets through what the table allows, and ignores imports written in strings and comments', () => {
    const text = [
      "import { openStore } from '../store/index.js';",
      "import type { CallState } from '../gws/index.js';",
      "import { VcrError } from '../common/errors.js';",
      "import { redact } from './redact.js';",
      "import { once } from 'node:events';",
      "// import { startReplayServer } from '../replay/index.js';",
      'const example = "import { buildDashboardApp } from \'../dashboard/index.js\'";',
    ].join('\n');
    expect(importsOf(text)).toHaveLength(5);
    expect(violationsOf('proxy/a.ts', text)).toEqual([]);
  });
});
