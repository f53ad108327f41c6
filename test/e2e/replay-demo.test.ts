// The committed sample (`npm run sample`: the demo's two agents recorded at once) replayed to both scripted agents at once.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AgentDesktop,
  type AgentTransport,
  connectAgentDesktop,
  SCENARIOS,
  simulatorFarEnd,
} from '../../src/agent/index.js';
import type { AnalyzeJson } from '../../src/analysis/index.js';
import { importHar } from '../../src/cli/import.js';
import { loadReplaySource, startReplayServer } from '../../src/replay/index.js';
import { openStore } from '../../src/store/index.js';
import { ROOT, runCli, spawnCliServer } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/store-rows.js';

const SAMPLE = join(ROOT, 'recordings', 'sample-demo.har');
const quiet = { write: () => true };

/** The demo's agents on the other transport each than recorded (5005 long-polling, 15000 websocket there). */
const connectBoth = async (url: string): Promise<AgentDesktop[]> => {
  const agents = await Promise.all(
    (
      [
        ['5005', 'websocket'],
        ['15000', 'long-polling'],
      ] as Array<[string, AgentTransport]>
    ).map(([user, transport]) => connectAgentDesktop({ baseUrl: url, transport, user })),
  );
  for (const agent of agents) onTestFinished(() => agent.close());
  return agents;
};

/** Every scenario in turn on each agent, both agents at once; resolves with the names each played. */
const playAll = (url: string, agents: AgentDesktop[], scenarios = SCENARIOS): Promise<string[][]> =>
  Promise.all(
    agents.map(async (agent) => {
      const farEnd = simulatorFarEnd(url, agent.headers);
      const played: string[] = [];
      for (const scenario of scenarios) {
        await scenario.run({ agent, farEnd, thinkMs: 0 });
        played.push(scenario.name);
      }
      return played;
    }),
  );

describe('the sample recording', () => {
  it('replays every scenario to both demo agents at once, on swapped transports, nothing left over', async () => {
    const db = tempDbPath();
    const imported = await importHar(
      SAMPLE,
      { db, keepSecrets: false, redactHeader: [], redactJson: [] },
      quiet,
    );
    const store = openStore(db, { readonly: true });
    onTestFinished(() => store.close());
    const replay = await startReplayServer({
      source: loadReplaySource(store, imported.session.id),
      port: 0,
      speed: 5,
    });
    onTestFinished(() => replay.close());

    const agents = await connectBoth(replay.url);
    // the two recorded agents read identical requests for their device: each live agent gets one of them
    expect(agents.map((a) => a.phoneNumber).sort()).toEqual(['15000', '5005']);
    const names = SCENARIOS.map((s) => s.name);
    expect(await playAll(replay.url, agents)).toEqual([names, names]);

    const status = replay.status();
    expect(status.sharing).toBe('shared');
    expect(status.unmatched).toEqual([]);
    expect(status.pending).toBe(0);
    expect(status.recorded.unanchoredRowIds).toEqual([]);
    expect(status.delivered).toBe(status.recorded.notifications);
    // each agent got its own calls' notifications only: the same scenarios make the same count each
    const perClient = status.clients.map((c) => c.delivered.filter((d) => d.isDelivered).length);
    expect(perClient).toEqual([status.recorded.notifications / 2, status.recorded.notifications / 2]);
  });

  it('works with the commands the README shows: import, analyze, replay', async () => {
    const db = tempDbPath('sample.sqlite');
    expect(await runCli(['import', SAMPLE, '--db', db])).toMatchObject({ code: 0 });
    const analyze = await runCli(['analyze', '--db', db, '--json']);
    expect(analyze.code).toBe(0);
    const analyzed = JSON.parse(analyze.stdout) as AnalyzeJson;
    expect(analyzed.transfers.map((t) => [t.kind, t.ok])).toEqual([
      ['two-step', true],
      ['two-step', true],
      ['single-step', true],
      ['single-step', true],
      ['two-step', false],
      ['two-step', false],
    ]);
    expect(analyzed.anomalies.map((a) => a.kind)).toEqual(['request-failed', 'request-failed']);

    const replay = await spawnCliServer(['replay', '--db', db, '--port', '0', '--speed', '5']);
    const agents = await connectBoth(replay.url);
    await playAll(replay.url, agents, SCENARIOS.slice(0, 1));
    const status = (await (await fetch(`${replay.url}/__vcr/status`)).json()) as {
      unmatched: unknown[];
      delivered: number;
    };
    expect(status.unmatched).toEqual([]);
    expect(status.delivered).toBe(12);
    expect(replay.stderr()).toMatch(/70 notifications, shared by the clients/);
    await Promise.all(agents.map((a) => a.close()));
    expect(await replay.stop()).toBe(0);

    // --sharing each-client forces one timeline per client, and says so
    const each = await spawnCliServer(['replay', '--db', db, '--port', '0', '--sharing', 'each-client']);
    const forced = (await (await fetch(`${each.url}/__vcr/status`)).json()) as { sharing: string };
    expect(forced.sharing).toBe('each-client');
    expect(each.stderr()).toMatch(/one timeline per client/);
    expect(await each.stop()).toBe(0);
    const refused = await runCli(['replay', '--db', db, '--sharing', 'sometimes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/"sometimes" is not one of auto, each-client, shared/);
  });
});
