// `npm run bench [-- --quick] [--only=SECTION] [--rest-warmup-ms=N]`: runs every benchmark section, prints a table with targets, writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchSection, BenchTable } from './lib/section.js';
import { analysisSection } from './sections/analysis.js';
import { cometdLoadSection } from './sections/cometd-load.js';
import { dashboardSection } from './sections/dashboard.js';
import { mitmdumpSection } from './sections/mitmdump.js';
import { recorderSection } from './sections/recorder.js';
import { replaySection } from './sections/replay.js';
import { writerSection } from './sections/writer.js';

// Sections run in this order; replay, analysis and dashboard sections are added here as sibling modules.
const SECTIONS: BenchSection[] = [
  recorderSection,
  writerSection,
  mitmdumpSection,
  cometdLoadSection,
  replaySection,
  analysisSection,
  dashboardSection,
];

const USAGE =
  'usage: npm run bench [-- --help] [--quick] [--only=SECTION] [--rest-warmup-ms=N]\n' +
  `  SECTION: ${SECTIONS.map((s) => s.name).join(', ')}\n` +
  '  --rest-warmup-ms: load per target before the REST rounds (default 5000, quick 300)';

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        help: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        'rest-warmup-ms': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const isQuick = parsed.quick;
const only = parsed.only;
if (only !== undefined && !SECTIONS.some((s) => s.name === only)) {
  console.error(`no bench section "${only}"\n${USAGE}`);
  process.exit(2);
}
const warmupArg = parsed['rest-warmup-ms'];
const restWarmupMs = warmupArg === undefined ? undefined : Number(warmupArg);
if (restWarmupMs !== undefined && !(Number.isInteger(restWarmupMs) && restWarmupMs >= 0)) {
  console.error(`--rest-warmup-ms takes a whole number of ms, not "${warmupArg}"\n${USAGE}`);
  process.exit(2);
}

const printTable = (table: BenchTable): void => {
  const width = Math.max(...table.rows.map((r) => r.label.length)) + 2;
  console.log(`\n${table.title}`);
  for (const row of table.rows) {
    const verdict =
      row.target === undefined ? '' : `   target ${row.target}: ${row.isPass ? 'PASS' : 'FAIL'}`;
    console.log(`  ${row.label.padEnd(width)}${row.values.join('   ')}${verdict}`);
  }
};

const results: Record<string, unknown> = {};
let failures = 0;
for (const section of SECTIONS) {
  if (only && section.name !== only) continue;
  const startedAt = new Date().toISOString();
  const result = await section.run({
    isQuick,
    restWarmupMs,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  for (const table of result.tables) {
    printTable(table);
    failures += table.rows.filter((r) => r.isPass === false).length;
  }
  results[section.name] = { startedAt, ...result.data, tables: result.tables };
}

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'latest.json');
writeFileSync(
  file,
  `${JSON.stringify({ writtenAt: new Date().toISOString(), node: process.version, isQuick, sections: results }, null, 2)}\n`,
);
console.log(`\n${failures === 0 ? 'all targets met' : `${failures} target(s) missed`}; results in ${file}`);
