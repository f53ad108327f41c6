// `gws-vcr import`: reads a HAR file (a browser's, or a gws-vcr export) into a new session that analyze, dashboard and replay use.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { VcrError } from '../common/errors.js';
import { type HarImport, openStore, parseHar, type Session, saveHarImport } from '../store/index.js';
import { decodeImportedBayeux } from './import-bayeux.js';
import { redactImported } from './import-redact.js';
import { collect, DEFAULT_DB, parseOrigin, parseUrlPath } from './options.js';
import { createProgress, type ProgressStream } from './progress.js';
import { runInterruptible } from './run.js';

export interface ImportOptions {
  db: string;
  name?: string;
  notificationsPath?: string;
  upstream?: URL;
  keepSecrets: boolean;
  redactHeader: string[];
  redactJson: string[];
}

export interface ImportResult {
  session: Session;
  exchanges: number;
  messages: number;
  frames: number;
  skipped: HarImport['skipped'];
  /** the file was a gws-vcr export, restored exactly */
  isExact: boolean;
}

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new VcrError('VCR_HAR_UNREADABLE', `cannot read ${file} (${(err as Error).message})`, {
      hint: 'Pass the path of a .har file saved from the browser (Network panel) or written by `gws-vcr export`.',
      cause: err,
    });
  }
};

/** Reads, decodes and saves; writes nothing unless the whole file is good and every row is written. */
export const importHar = async (
  file: string,
  options: ImportOptions,
  progressStream: ProgressStream,
  signal?: AbortSignal,
): Promise<ImportResult> => {
  const imported = parseHar(readText(file), {
    file,
    name: options.name ?? null,
    ...(options.notificationsPath === undefined ? {} : { notificationsPath: options.notificationsPath }),
    ...(options.upstream === undefined ? {} : { upstream: options.upstream.origin }),
  });
  let rows: Pick<HarImport, 'exchanges' | 'frames' | 'messages'> = imported;
  if (!imported.hasRecordedMessages) {
    // A browser's HAR: decode its Bayeux traffic and keep its secrets off disk, as recording would.
    rows = decodeImportedBayeux(rows, imported.session.notificationsPath, imported.requestSentMs);
    if (!options.keepSecrets) {
      rows = redactImported(rows, { headers: options.redactHeader, jsonKeys: options.redactJson });
    }
  }
  const store = openStore(options.db);
  const progress = createProgress({ label: `importing ${file}`, total: 0, stream: progressStream });
  try {
    const session = await saveHarImport(
      store,
      { ...imported, ...rows },
      { onProgress: (done, total) => progress.update(done, total), ...(signal ? { signal } : {}) },
    );
    return {
      session,
      exchanges: rows.exchanges.length,
      messages: rows.messages.length,
      frames: rows.frames.length,
      skipped: imported.skipped,
      isExact: imported.hasRecordedMessages,
    };
  } finally {
    progress.finish();
    store.close();
  }
};

export const importCommand = (): Command =>
  new Command('import')
    .description(
      'Read a HAR file into a new session: Bayeux messages decoded, ready to analyze, show and replay.',
    )
    .argument(
      '<file>',
      "HAR 1.2 file: saved from a browser's developer tools, or written by `gws-vcr export`",
    )
    .option('--db <file>', 'recording database to add the session to (created if missing)', DEFAULT_DB)
    .option('--name <label>', 'session name (default: the file name)')
    .option(
      '--notifications-path <path>',
      'CometD path of the GWS server (default: /api/v2/notifications)',
      parseUrlPath,
    )
    .option(
      '--upstream <url>',
      'origin whose requests to import (default: the one the CometD traffic went to)',
      parseOrigin,
    )
    .option(
      '--keep-secrets',
      'keep Authorization, cookies, CSRF tokens and passwords as the HAR has them',
      false,
    )
    .option('--redact-header <name>', 'one more header to redact (repeatable)', collect, [])
    .option('--redact-json <key>', 'also redact this JSON key wherever it occurs (repeatable)', collect, [])
    .addHelpText(
      'after',
      [
        '',
        "Prints `imported session N (X exchanges, Y messages)`. Entries of other origins (the desktop's",
        'own page, CDNs) are left out and counted. A file that is not a HAR is refused and nothing is written.',
        '',
        'Examples:',
        '  gws-vcr import agent-desktop.har --name lab-transfer',
        '  gws-vcr import transfer.har --db recordings/imports.sqlite',
      ].join('\n'),
    )
    .action((file: string, options: ImportOptions) =>
      runInterruptible(async (signal) => {
        const r = await importHar(file, options, process.stderr, signal);
        const skipped = r.skipped.otherOrigin + r.skipped.notHttp;
        if (skipped > 0) {
          process.stderr.write(
            `left out ${skipped} entries not sent to ${r.session.upstream} (${r.skipped.otherOrigin} other origins, ${r.skipped.notHttp} not http)\n`,
          );
        }
        process.stdout.write(
          `imported session ${r.session.id} (${r.exchanges} exchanges, ${r.messages} messages)\n`,
        );
      }, `import of ${file} interrupted; nothing was written`),
    );
