// The benchmark's synthetic session: exactly the messages asked for, well-formed rows, and scenarios analysis recognises.
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../../bench/lib/synthetic-scenarios.js';
import { writeSyntheticSession } from '../../bench/lib/synthetic-session.js';
import { analyzeSession, storedSessionRows, toAnalyzeJson } from '../../src/analysis/index.js';
import type { Store } from '../../src/store/index.js';
import { openTempStore } from '../helpers/store-rows.js';

const analyze = (store: Store, sessionId: number) =>
  analyzeSession(storedSessionRows(store, store.resolveSession(sessionId)));

describe('synthetic session', () => {
  it('writes exactly the messages asked for, each carried by a long-poll exchange that was stored', () => {
    for (const messages of [6_000, 6_001]) {
      const store = openTempStore({ iterateChunkRows: 500 });
      const summary = writeSyntheticSession(store, { messages, agents: 5, chunkMessages: 1_000 });
      expect(summary.messages).toBe(messages);
      const rows = [...store.iterateMessages(summary.sessionId)];
      expect(rows).toHaveLength(messages);
      expect(new Set(rows.map((m) => m.id)).size).toBe(messages);
      const exchanges = new Map(store.exchanges(summary.sessionId).map((e) => [e.id, e]));
      expect(exchanges.size).toBe(summary.exchanges);
      for (const m of rows) {
        const carrier = exchanges.get(m.exchangeId ?? -1);
        expect(carrier?.kind).toBe('bayeux');
        // a message sent to the client is in its long-poll's response body, as the recorder stores it
        const body = m.direction === 'to-client' ? carrier?.responseBody : carrier?.requestBody;
        expect(JSON.parse(body?.toString() ?? 'null')).toContainEqual(m.message);
      }
      store.close();
    }
  });

  it('plays every scenario so analysis finds ok transfers and conferences, and only the failures it put in', () => {
    const store = openTempStore();
    const summary = writeSyntheticSession(store, { messages: 8_000, agents: 4 });
    expect(Object.keys(summary.scenarios).sort()).toEqual([...SCENARIO_NAMES].sort());
    // every scenario was played, so no count compared below is a trivial 0 = 0
    expect(Object.entries(summary.scenarios).filter(([, played]) => played === 0)).toEqual([]);
    const analysis = analyze(store, summary.sessionId);
    const json = toAnalyzeJson(analysis);
    const failed = summary.scenarios['failed-complete-transfer'] ?? 0;
    expect(json.transfers.filter((t) => t.kind === 'two-step' && t.ok)).toHaveLength(
      summary.scenarios['two-step-transfer'] ?? 0,
    );
    expect(json.transfers.filter((t) => t.kind === 'single-step' && t.ok)).toHaveLength(
      summary.scenarios['single-step-transfer'] ?? 0,
    );
    expect(json.conferences.filter((c) => c.ok)).toHaveLength(summary.scenarios.conference ?? 0);
    expect(json.anomalies.map((a) => a.kind)).toEqual(Array(failed).fill('request-failed'));
    expect(json.calls.every((c) => c.states.at(-1)?.state === 'Released')).toBe(true);
    expect(analysis.stats).toMatchObject({
      messages: store.countMessages(summary.sessionId, { direction: 'to-client' }),
      callNotifications: expect.any(Number),
      malformedNotifications: 0,
      malformedRequests: 0,
      unreadableResponses: 0,
    });
    expect(analysis.stats.callNotifications + analysis.stats.deviceNotifications).toBe(summary.notifications);
    store.close();
  });

  it('writes the same session for the same options', () => {
    const [a, b] = [openTempStore(), openTempStore()].map((store) => {
      const { sessionId } = writeSyntheticSession(store, { messages: 3_000, agents: 3 });
      const json = toAnalyzeJson(analyze(store, sessionId));
      store.close();
      return json;
    });
    expect(a).toEqual(b);
  });
});
