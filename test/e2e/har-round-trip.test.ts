// A real recording (official client -> recorder -> simulator) exported to HAR and imported back: the same rows, the same analysis.
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSession, storedSessionRows, toAnalyzeJson } from '../../src/analysis/index.js';
import { decodeImportedBayeux } from '../../src/cli/import-bayeux.js';
import { parseHar, type Store, saveHarImport, writeHar } from '../../src/store/index.js';
import { harSchemaErrors, withoutOurFields } from '../helpers/har.js';
import { recordTransfer } from '../helpers/replay-agent.js';
import { openTempStore, rowsOf, tempDir } from '../helpers/store-rows.js';

const analysisOf = (store: Store, sessionId: number) => {
  const session = store.resolveSession(sessionId);
  const { session: _, ...rest } = toAnalyzeJson(analyzeSession(storedSessionRows(store, session)));
  return rest;
};

/** Records the seed's transfer through the recorder and exports it; returns the store, session and HAR text. */
const recordAndExport = async (transport: 'long-polling' | 'websocket') => {
  const { store, sessionId } = await recordTransfer(transport);
  const har = join(tempDir(), 'transfer.har');
  const out = createWriteStream(har);
  await writeHar(store, sessionId, out);
  out.end();
  await once(out, 'close');
  return { store, id: sessionId, har, text: readFileSync(har, 'utf8') };
};

describe.each(['long-polling', 'websocket'] as const)('HAR round trip of a %s recording', (transport) => {
  it('exports valid HAR and imports the same exchanges, frames and Bayeux rows, analyzed the same', async () => {
    const { store, id, har, text } = await recordAndExport(transport);
    expect(await harSchemaErrors(JSON.parse(text))).toEqual([]);
    const copy = openTempStore();
    const session = await saveHarImport(copy, parseHar(text, { file: har }));
    const original = rowsOf(store, id);
    expect(original.messages.filter((m) => m.channel === '/v2/me/calls')).toHaveLength(6);
    if (transport === 'websocket') expect(original.frames.length).toBeGreaterThan(0);
    expect(rowsOf(copy, session.id)).toEqual(original);
    expect(analysisOf(copy, session.id)).toEqual(analysisOf(store, id));
  });

  it('decodes the same Bayeux messages, within 1 ms, from the HAR stripped of every _gwsVcr field', async () => {
    const { store, id, har, text } = await recordAndExport(transport);
    const imported = parseHar(JSON.stringify(withoutOurFields(JSON.parse(text))), { file: har });
    expect(imported.hasRecordedMessages).toBe(false);
    const copy = openTempStore();
    const rows = decodeImportedBayeux(imported, imported.session.notificationsPath, imported.requestSentMs);
    const session = await saveHarImport(copy, { ...imported, ...rows });
    const originWallMs = store.resolveSession(id).originWallMs;
    const before = store.messages(id);
    const after = copy.messages(session.id);
    // A plain HAR keeps times to the ms only, so two messages less than 1 ms apart may come back in either
    // order: pair each decoded message with the recorded one of the same content nearest in time.
    const key = (m: (typeof before)[number]) => JSON.stringify([m.direction, m.transport, m.message]);
    const unpaired = new Map<string, number[]>();
    for (const m of before) unpaired.set(key(m), [...(unpaired.get(key(m)) ?? []), m.atMs]);
    expect(after).toHaveLength(before.length);
    const apart = after.map((m) => {
      const atMs = session.originWallMs + m.atMs - originWallMs;
      const candidates = unpaired.get(key(m)) ?? [];
      if (candidates.length === 0) return Number.POSITIVE_INFINITY;
      const nearest = candidates.reduce(
        (best, t, i) => (Math.abs(t - atMs) < Math.abs((candidates[best] as number) - atMs) ? i : best),
        0,
      );
      const [recordedAtMs] = candidates.splice(nearest, 1);
      return Math.abs(atMs - (recordedAtMs as number));
    });
    expect(Math.max(...apart)).toBeLessThan(1);
    expect(analysisOf(copy, session.id).transfers).toEqual([
      expect.objectContaining({ kind: 'two-step', ok: true }),
    ]);
  });
});
