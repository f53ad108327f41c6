// Schema migrations: one step per version, each atomic, recorded in both version places; newer files refused.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, migrate0to1, migrate1to2, SCHEMA_VERSION, STEPS } from '../../src/store/index.js';

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
