// Recording files for dashboard tests: a temp store filled through the store's own writer with scripted scenarios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openStore, type Session, type Store } from '../../src/store/index.js';
import { type RecordingScript, SEED_CALL_A, SEED_CALL_B, SEED_TIMES, seedTwoStepTransfer } from './rows.js';

/** userData that would run script if any page put it into HTML; the page test checks these globals stay unset. */
export const HOSTILE_USER_DATA = {
  note: '<img src=x onerror="window.__pwnedByImg=1">',
  script: '<script>window.__pwnedByScript=1</script>',
  quote: '"\'><svg onload="window.__pwnedBySvg=1">',
};

export interface FilledStore {
  store: Store;
  path: string;
  dir: string;
  sessions: Session[];
}

/** A fresh store file with one session per script, written through `writeRows`; closed and deleted after the test. */
export const storeWith = (
  scripts: Array<{ name: string; script: RecordingScript; ended?: boolean }>,
): FilledStore => {
  const dir = mkdtempSync(join(tmpdir(), 'gws-vcr-dashboard-'));
  const path = join(dir, 'rec.sqlite');
  const store = openStore(path);
  onTestFinished(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sessions = scripts.map(({ name, script, ended = true }) => {
    const rows = script.rows();
    const session = store.createSession({
      name,
      upstream: 'http://127.0.0.1:8080',
      source: 'record',
      listenOrigin: 'http://127.0.0.1:8090',
      originWallMs: rows.session.originWallMs,
      notificationsPath: '/api/v2/notifications',
    });
    store.writeRows(session.id, { exchanges: rows.exchanges, messages: rows.messages });
    if (ended) store.endSession(session.id, rows.session.originWallMs + 60_000);
    return store.getSession(session.id) as Session;
  });
  return { store, path, dir, sessions };
};

/** The seed's two-step transfer, plus a userData update carrying markup on the original call while it talks. */
export const seedWithHostileUserData = (script: RecordingScript): RecordingScript => {
  seedTwoStepTransfer(script);
  script.notify(SEED_CALL_A, 'Established', SEED_TIMES.established + 2000, {
    notificationType: 'AttachedDataChanged',
    callFields: { userData: HOSTILE_USER_DATA },
  });
  return script;
};

export { SEED_CALL_A, SEED_CALL_B };
