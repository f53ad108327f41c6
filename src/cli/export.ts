// `gws-vcr export`: writes one recorded session as a HAR 1.2 file that browsers' tools and `gws-vcr import` read.
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Command } from 'commander';
import { VcrError } from '../common/errors.js';
import { type HarExportCounts, openStore, writeHar } from '../store/index.js';
import { DEFAULT_DB } from './options.js';
import { createProgress, type ProgressStream } from './progress.js';
import { runInterruptible } from './run.js';

export interface ExportOptions {
  db: string;
  session: string;
  har: string;
}

export interface ExportResult extends HarExportCounts {
  sessionId: number;
  path: string;
}

const writeFailed = (path: string, err: Error): VcrError =>
  new VcrError('VCR_HAR_WRITE_FAILED', `cannot write ${path} (${err.message})`, {
    hint: 'Pass --har the path of a file (not a folder) in a folder that exists and that you may write to.',
    cause: err,
  });

/**
 * Writes the session to `options.har`. The file appears whole or not at all: it is written beside the
 * target and renamed into place once complete.
 */
export const exportSession = async (
  options: ExportOptions,
  progressStream: ProgressStream,
  signal?: AbortSignal,
): Promise<ExportResult> => {
  const store = openStore(options.db, { readonly: true });
  try {
    const session = store.resolveSession(options.session);
    const partial = `${options.har}.partial-${process.pid}`;
    const out = createWriteStream(partial);
    const failed = new Promise<never>((_, reject) =>
      out.once('error', (err) => reject(writeFailed(options.har, err))),
    );
    failed.catch(() => {});
    const progress = createProgress({
      label: `exporting session ${session.id}`,
      total: 0,
      stream: progressStream,
    });
    try {
      const counts = await Promise.race([
        writeHar(store, session.id, out, {
          onProgress: (done, total) => progress.update(done, total),
          ...(signal ? { signal } : {}),
        }),
        failed,
      ]);
      out.end();
      await Promise.race([once(out, 'close'), failed]);
      try {
        renameSync(partial, options.har);
      } catch (err) {
        throw writeFailed(options.har, err as Error);
      }
      return { ...counts, sessionId: session.id, path: options.har };
    } catch (err) {
      out.destroy();
      try {
        rmSync(partial, { force: true });
      } catch {
        // nothing could be written there either (e.g. a file stands where a folder should): the error is err
      }
      throw err;
    } finally {
      progress.finish();
    }
  } finally {
    store.close();
  }
};

export const exportCommand = (): Command =>
  new Command('export')
    .description('Write one recorded session as a HAR 1.2 file (WebSocket frames as Chrome writes them).')
    .requiredOption('--har <file>', 'HAR file to write (replaced if it exists)')
    .option('--db <file>', 'recording database to read', DEFAULT_DB)
    .option('--session <id>', 'session to export: an id, a name, or latest', 'latest')
    .addHelpText(
      'after',
      [
        '',
        "Every exchange becomes an entry with its timings; long-poll bodies are the entries' content;",
        'WebSocket frames are in `_webSocketMessages`. What HAR has no field for (sub-ms times, flags,',
        'Bayeux rows) is kept under `_gwsVcr`, so `gws-vcr import` restores the session exactly.',
        '',
        'Examples:',
        '  gws-vcr export --har transfer.har',
        '  gws-vcr export --db recordings/lab.sqlite --session 3 --har lab-3.har',
      ].join('\n'),
    )
    .action((options: ExportOptions) =>
      runInterruptible(async (signal) => {
        const r = await exportSession(options, process.stderr, signal);
        process.stderr.write(
          `wrote ${r.path}: session ${r.sessionId}, ${r.entries} entries, ${r.frames} WebSocket frames, ${r.messages} Bayeux messages\n`,
        );
      }, `export interrupted; ${options.har} was not written`),
    );
