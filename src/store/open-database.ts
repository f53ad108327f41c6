// Opens a recording file: creates or migrates it, refuses foreign, corrupt and too-new files with a message that says why.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { VcrError } from '../common/errors.js';
import { migrate, tooNew } from './migrations.js';
import { META_TABLE, OLDEST_READABLE_VERSION, SCHEMA_VERSION, TOOL_NAME } from './schema.js';

export interface OpenDatabaseOptions {
  readonly: boolean;
  /** ms a statement waits for another connection's lock before failing with SQLITE_BUSY */
  busyTimeoutMs: number;
  /** null: no cap */
  maxSizeBytes: number | null;
  nowWallMs: () => number;
}

const recordHint = (path: string): string =>
  `Record a session with \`gws-vcr record --upstream URL --db ${path}\`, or pass --db a file written by it.`;

const sqliteCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;

/** VCR_STORE_CORRUPT for an SQLite error meaning the file is damaged or not SQLite; null for any other. */
export const corruption = (path: string, err: unknown): VcrError | null => {
  const code = sqliteCode(err) ?? '';
  if (code !== 'SQLITE_NOTADB' && !code.startsWith('SQLITE_CORRUPT')) return null;
  const reason = err instanceof Error ? err.message : String(err);
  return new VcrError(
    'VCR_STORE_CORRUPT',
    `${path} is not a readable SQLite database (${reason}); it is damaged or not a database at all`,
    {
      hint: `Pass --db a file written by \`gws-vcr record\`, or move ${path} away to start a new one.`,
      cause: err,
    },
  );
};

/** Turns an SQLite failure while opening or checking the file into a VcrError saying what to do. */
const refusal = (path: string, err: unknown): VcrError => {
  const damaged = corruption(path, err);
  if (damaged) return damaged;
  const reason = err instanceof Error ? err.message : String(err);
  return new VcrError('VCR_STORE_CANNOT_OPEN', `cannot open ${path} (${reason})`, {
    hint: 'Check that the path is a file you may read (and write, to record), or pass --db another file.',
    cause: err,
  });
};

/** Reads the schema version, refusing a file that is not ours. Returns 0 for an empty file. */
const versionOf = (db: Database, path: string): number => {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  if (tables.length === 0 && userVersion === 0) return 0;
  if (!tables.includes(META_TABLE)) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
    return refuseForeign(path, `no table ${META_TABLE}${tables.length ? `; it holds ${shown}` : ''}`);
  }
  const meta = new Map(
    (db.prepare(`SELECT key, value FROM ${META_TABLE}`).all() as Array<{ key: string; value: string }>).map(
      (r) => [r.key, r.value],
    ),
  );
  if (meta.get('tool') !== TOOL_NAME) {
    return refuseForeign(path, `${META_TABLE} names tool ${JSON.stringify(meta.get('tool') ?? null)}`);
  }
  const metaVersion = Number(meta.get('schema_version'));
  if (!Number.isInteger(metaVersion)) {
    throw new VcrError('VCR_STORE_CORRUPT', `${path} has no valid schema_version in ${META_TABLE}`, {
      hint: `Pass --db a file written by \`gws-vcr record\`, or move ${path} away to start a new one.`,
    });
  }
  // Both places are written together; trust the larger so a newer file is never mistaken for an older one.
  return Math.max(metaVersion, userVersion);
};

const refuseForeign = (path: string, why: string): never => {
  throw new VcrError(
    'VCR_STORE_NOT_VCR_DB',
    `${path} is not a gws-vcr database (${why}); pass --db a file written by \`gws-vcr record\``,
  );
};

/**
 * Opens `path` for the store. Read-write: a missing file (and its folder) is created, an empty or older
 * file migrated to SCHEMA_VERSION, WAL mode switched on. Read-only: the file must exist and be readable as it is (OLDEST_READABLE_VERSION or newer).
 */
export const openDatabase = (path: string, options: OpenDatabaseOptions): Database => {
  const exists = existsSync(path);
  if (options.readonly && !exists) {
    throw new VcrError('VCR_STORE_NOT_FOUND', `${path} does not exist`, { hint: recordHint(path) });
  }
  if (exists && statSync(path).isDirectory()) {
    throw new VcrError('VCR_STORE_CANNOT_OPEN', `${path} is a directory, not a database file`, {
      hint: 'Pass --db a file path, e.g. recordings/gws-vcr.sqlite.',
    });
  }
  if (!exists) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new VcrError(
        'VCR_STORE_CANNOT_OPEN',
        `cannot create the folder ${dirname(path)} for ${path} (${(err as Error).message})`,
        { hint: 'Pass --db a path in a folder you may write, e.g. recordings/gws-vcr.sqlite.', cause: err },
      );
    }
  }

  let db: Database;
  try {
    db = new BetterSqlite3(path, { readonly: options.readonly, fileMustExist: options.readonly });
  } catch (err) {
    throw refusal(path, err);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    const version = checkedVersion(db, path);
    if (options.readonly) {
      if (version === 0) refuseForeign(path, 'the file is empty');
      if (version < OLDEST_READABLE_VERSION) {
        throw new VcrError(
          'VCR_STORE_TOO_OLD',
          `${path} has schema version ${version}, older than this gws-vcr reads without upgrading it (${OLDEST_READABLE_VERSION}), and was opened read-only`,
          {
            hint: `Upgrade it by recording into it once (\`gws-vcr record --db ${path} ...\`), or open it writable.`,
          },
        );
      }
    } else {
      // WAL: readers (dashboard, analyze) never block the recorder; NORMAL: a commit is durable against a
      // killed process (the WAL is in the OS's hands), only a power loss may drop the last commits.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db, version, path, { nowWallMs: options.nowWallMs() });
    }
    db.pragma('foreign_keys = ON');
    if (options.maxSizeBytes !== null) {
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      // SQLite never sets the cap below the pages already used; a file already past it just fills up.
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    return db;
  } catch (err) {
    db.close();
    throw err instanceof VcrError ? err : refusal(path, err);
  }
};

const checkedVersion = (db: Database, path: string): number => {
  const version = versionOf(db, path);
  if (version > SCHEMA_VERSION) throw tooNew(path, version);
  return version;
};
