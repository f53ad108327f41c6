// Schema migrations: one step per version, each atomic, recorded in both version places; newer files refused.
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, migrate0to1, migrate1to2, SCHEMA_VERSION, STEPS } from '../../src/store/index.js';
import { tempDir } from '../helpers/store-rows.js';

const memoryDb = (): BetterSqlite3.Database => {
  const db = new BetterSqlite3(':memory:');
  onTestFinished(() => {
    db.close();
  });
  return db;
};

const tables = (db: BetterSqlite3.Database): string[] =>
  db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];

describe('migrations', () => {
  it('has one step per schema version', () => {
    expect(STEPS).toHaveLength(SCHEMA_VERSION);
    expect(STEPS).toEqual([migrate0to1, migrate1to2]);
  });

  it('takes an empty database to the current version, and does nothing the second time', () => {
    const db = memoryDb();
    expect(migrate(db, 0, ':memory:', { nowWallMs: 0 })).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(['bayeux_messages', 'exchanges', 'gws_vcr_meta', 'sessions', 'ws_frames']);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare(`SELECT value FROM gws_vcr_meta WHERE key = 'schema_version'`).pluck().get()).toBe(
      String(SCHEMA_VERSION),
    );
    expect(migrate(db, SCHEMA_VERSION, ':memory:', { nowWallMs: 0 })).toBe(0);
  });

  it('rolls a failing step back whole, leaving the file at its old version', () => {
    const db = memoryDb();
    db.exec('CREATE TABLE sessions (x INTEGER)'); // step 0 -> 1 will collide with it half way
    expect(() => migrate(db, 0, ':memory:', { nowWallMs: 0 })).toThrow(/already exists/);
    expect(tables(db)).toEqual(['sessions']);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
  });

  it('leaves a step another connection ran after this one read the version (two writers opening one file)', () => {
    const path = join(tempDir(), 'shared.sqlite');
    const first = new BetterSqlite3(path);
    const second = new BetterSqlite3(path);
    onTestFinished(() => {
      first.close();
      second.close();
    });
    migrate(first, 0, path, { nowWallMs: 0 });
    first.pragma('user_version = 1');
    first.prepare(`UPDATE gws_vcr_meta SET value = '1' WHERE key = 'schema_version'`).run();
    first.exec('ALTER TABLE sessions DROP COLUMN rewrite_origins');
    // Both read version 1; the first brings the file up to date before the second gets to it.
    expect(migrate(first, 1, path, { nowWallMs: 0 })).toBe(SCHEMA_VERSION - 1);
    expect(migrate(second, 1, path, { nowWallMs: 0 })).toBe(0);
    expect(second.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a version newer than it knows', () => {
    const db = memoryDb();
    expect(() => migrate(db, SCHEMA_VERSION + 1, 'x.sqlite', { nowWallMs: 0 })).toThrow(
      expect.objectContaining({
        code: 'VCR_STORE_TOO_NEW',
        message: expect.stringContaining(`x.sqlite has schema version ${SCHEMA_VERSION + 1}`),
      }),
    );
  });
});
