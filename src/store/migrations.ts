// Brings a database file up to SCHEMA_VERSION one step at a time, as mitmproxy's io/compat.py converts flows.
import type { Database } from 'better-sqlite3';
import { VcrError } from '../common/errors.js';
import { META_TABLE, SCHEMA_V1, SCHEMA_V2_STEP, SCHEMA_VERSION, TOOL_NAME } from './schema.js';

/** One step: takes a database at version N to N + 1. Runs inside the transaction `migrate` opens. */
export type MigrationStep = (db: Database, context: MigrationContext) => void;

export interface MigrationContext {
  /** wall-clock ms, for `created_at` and the like */
  nowWallMs: number;
}

/** 0 -> 1: an empty file becomes a gws-vcr database (meta, sessions, exchanges, bayeux_messages, ws_frames). */
export const migrate0to1: MigrationStep = (db, { nowWallMs }) => {
  db.exec(SCHEMA_V1);
  const put = db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES (?, ?)`);
  put.run('tool', TOOL_NAME);
  put.run('created_at', new Date(nowWallMs).toISOString());
  put.run('schema_version', '0');
};

/** 1 -> 2: sessions.rewrite_origins, '[]' for the sessions already there. */
export const migrate1to2: MigrationStep = (db) => {
  db.exec(SCHEMA_V2_STEP);
};

/** STEPS[n] takes version n to n + 1; its length is SCHEMA_VERSION. */
export const STEPS: readonly MigrationStep[] = [migrate0to1, migrate1to2];

/**
 * Runs every step from `fromVersion` to SCHEMA_VERSION, each in its own transaction, recording the new
 * version in both `PRAGMA user_version` and gws_vcr_meta after each, so a crash mid-way leaves a file
 * at a consistent version. Refuses a file newer than this code (VCR_STORE_TOO_NEW).
 * @returns the steps this call ran (0 when the file was current, or another connection brought it up to date)
 */
export const migrate = (
  db: Database,
  fromVersion: number,
  path: string,
  context: MigrationContext,
): number => {
  if (fromVersion > SCHEMA_VERSION) throw tooNew(path, fromVersion);
  if (STEPS.length !== SCHEMA_VERSION)
    throw new Error(`STEPS has ${STEPS.length} entries for ${SCHEMA_VERSION}`);
  let version = fromVersion;
  let ran = 0;
  while (version < SCHEMA_VERSION) {
    const step = STEPS[version];
    if (!step) throw new Error(`no migration step from schema version ${version}`);
    const target = version + 1;
    // IMMEDIATE takes the write lock before the version is read again: two writers opening one file at once (a
    // recording and an import) both read the old version, and the second must not run the step a second time.
    version = db
      .transaction((): number => {
        const current = Number(db.pragma('user_version', { simple: true }));
        if (current > SCHEMA_VERSION) throw tooNew(path, current);
        if (current >= target) return current;
        step(db, context);
        db.prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'schema_version'`).run(String(target));
        // user_version is a plain integer pragma: it cannot be bound as a parameter.
        db.pragma(`user_version = ${target}`);
        ran += 1;
        return target;
      })
      .immediate();
  }
  return ran;
};

export const tooNew = (path: string, version: number): VcrError =>
  new VcrError(
    'VCR_STORE_TOO_NEW',
    `${path} has schema version ${version}, newer than this gws-vcr understands (${SCHEMA_VERSION}); ` +
      'it was written by a later gws-vcr',
    { hint: 'Upgrade gws-vcr to read it, or pass --db another file.' },
  );
