// Recording files for dashboard tests: a temp store filled through the store's own writer with scripted scenarios,
// and the dashboard app over one.
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { buildDashboardApp } from '../../src/dashboard/index.js';
import type { Session, Store } from '../../src/store/index.js';
import { RecordingScript, SEED_CALL_A, SEED_CALL_B, SEED_TIMES, seedTwoStepTransfer } from './rows.js';
import { makeSession, openTempStore, tempDir } from './store-rows.js';

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
  const dir = tempDir();
  const path = join(dir, 'rec.sqlite');
  const store = openTempStore({}, path);
  const sessions = scripts.map(({ name, script, ended = true }) => {
    const rows = script.rows();
    const session = store.createSession(makeSession({ name, originWallMs: rows.session.originWallMs }));
    store.writeRows(session.id, { exchanges: rows.exchanges, messages: rows.messages });
    if (ended) store.endSession(session.id, rows.session.originWallMs + 60_000);
    return store.getSession(session.id) as Session;
  });
  return { store, path, dir, sessions };
};

/** A store holding one ended session, "seed": the seed's two-step transfer. */
export const seedStore = (): FilledStore =>
  storeWith([{ name: 'seed', script: seedTwoStepTransfer(new RecordingScript()) }]);

/** The dashboard app (not listening; use `inject`) over a store with one session per script; closed after the test. */
export const dashboardOver = async (scripts: Parameters<typeof storeWith>[0]) => {
  const filled = storeWith(scripts);
  const app = await buildDashboardApp({ store: filled.store });
  onTestFinished(() => app.close());
  return { app, ...filled };
};

/** The dashboard app over the seed session alone. */
export const seedDashboard = () =>
  dashboardOver([{ name: 'seed', script: seedTwoStepTransfer(new RecordingScript()) }]);

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
