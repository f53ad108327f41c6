// `gws-vcr demo` (what `npm start` runs): simulator, recorder and dashboard, with scripted agents playing every scenario.
import { Command } from 'commander';
import {
  type AgentDesktop,
  type AgentTransport,
  connectAgentDesktop,
  SCENARIOS,
  simulatorFarEnd,
} from '../agent/index.js';
import { createLogger } from '../common/logger.js';
import { DASHBOARD_DEFAULTS } from '../dashboard/index.js';
import { startRecorder } from '../proxy/index.js';
import { startSimulator } from '../simulator/index.js';
import { openStore } from '../store/index.js';
import { startLiveDashboard } from './live-dashboard.js';
import { DEFAULT_DB, parseNonNegative, parsePort } from './options.js';
import { type Running, runServer, startInTurn } from './run.js';

export interface DemoCommandOptions {
  port: number;
  db: string;
  once?: boolean;
  thinkMs: number;
  latency: number;
}

/**
 * Two agents, one per transport, so the recording shows both; 15000 is the seed's Sample 1 agent.
 * Both log in with Basic credentials, as GWS requires: a replay tells its clients apart by them.
 */
const DEMO_AGENTS: ReadonlyArray<{ user: string; transport: AgentTransport }> = [
  { user: '5005', transport: 'long-polling' },
  { user: '15000', transport: 'websocket' },
];

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Plays every scenario in turn on one agent; a failed scenario is reported and the next one still runs.
 * The far end goes through the recorder too, so the recording replays without the simulator.
 */
const playAll = async (agent: AgentDesktop, baseUrl: string, thinkMs: number): Promise<number> => {
  let failures = 0;
  const farEnd = simulatorFarEnd(baseUrl, agent.headers);
  for (const scenario of SCENARIOS) {
    try {
      await scenario.run({ agent, farEnd, thinkMs });
      say(`  agent ${agent.phoneNumber} (${agent.transport}): ${scenario.name} done`);
    } catch (err) {
      failures += 1;
      say(
        `  agent ${agent.phoneNumber} (${agent.transport}): ${scenario.name} FAILED: ${(err as Error).message}`,
      );
    }
  }
  return failures;
};

export const startDemo = (options: DemoCommandOptions): Promise<Running> =>
  startInTurn(async (stack) => {
    const logger = createLogger('warn');
    const simulator = await startSimulator({ port: 0, latencyMs: options.latency, logger });
    stack.push(() => simulator.close());
    const store = openStore(options.db);
    stack.push(() => store.close());
    const recorder = await startRecorder({ upstream: simulator.url, port: 0, store, name: 'demo', logger });
    stack.push(() => recorder.close());
    // --once exits when the agents are done: a dashboard would be gone before anyone opened it.
    const dashboard = options.once
      ? null
      : await startLiveDashboard(store, recorder, { port: options.port, option: '--port' }, logger);
    if (dashboard) stack.push(() => dashboard.close());
    const agents: AgentDesktop[] = [];
    stack.push(async () => {
      await Promise.all(agents.map((agent) => agent.close().catch(() => {})));
    });

    say(`gws-vcr demo: recording session ${recorder.sessionId} into ${options.db}`);
    say(`  simulator ${simulator.url} <- recorder ${recorder.url} <- scripted agents`);
    if (dashboard) say(`  dashboard: ${dashboard.url}/session.html?id=${recorder.sessionId}`);

    // The agents play in the background, so the servers are up (and Ctrl-C is honoured) at once.
    const played = (async () => {
      for (const settings of DEMO_AGENTS) {
        agents.push(await connectAgentDesktop({ baseUrl: recorder.url, ...settings, timeoutMs: 10_000 }));
      }
      const failures = await Promise.all(
        agents.map((agent) => playAll(agent, recorder.url, options.thinkMs)),
      );
      await Promise.all(agents.splice(0).map((agent) => agent.close()));
      await recorder.flush();
      const failed = failures.reduce((a, b) => a + b, 0);
      const next = dashboard
        ? `Open ${dashboard.url} or run \`gws-vcr analyze --db ${options.db}\`.`
        : `Run \`gws-vcr dashboard --db ${options.db}\` or \`gws-vcr analyze --db ${options.db}\`.`;
      say(
        failed === 0
          ? `gws-vcr demo: all scenarios recorded. ${next}`
          : `gws-vcr demo: ${failed} scenario(s) failed; see above.`,
      );
      if (failed > 0) process.exitCode = 1;
      if (!options.once) say('Press Ctrl-C to stop.');
    })().catch((err: unknown) => {
      say(`gws-vcr demo: the scripted agents could not play: ${(err as Error).message}`);
      process.exitCode = 1;
    });
    return {
      urls: dashboard ? [simulator.url, recorder.url, dashboard.url] : [simulator.url, recorder.url],
      close: stack.close,
      ...(options.once ? { done: played } : {}),
    };
  });

export const demoCommand = (): Command =>
  new Command('demo')
    .description(
      'Run the simulator, the recorder in front of it and the dashboard, and play scripted agents through it: ' +
        'two-step and single-step transfer, conference, hold/retrieve, a failing CompleteTransfer, user data.',
    )
    .option(
      '--port <port>',
      'dashboard port (0 picks a free one; none with --once)',
      parsePort,
      DASHBOARD_DEFAULTS.port,
    )
    .option('--db <file>', 'recording database to write', DEFAULT_DB)
    .option('--once', 'record the scenarios, then exit instead of serving the dashboard')
    .option('--think-ms <ms>', 'pause of the scripted agents between steps', parseNonNegative, 250)
    .option(
      '--latency <ms>',
      "simulator's delay between a response and its notifications",
      parseNonNegative,
      20,
    )
    .addHelpText(
      'after',
      [
        '',
        'Prints one `listening on` line per server (simulator, recorder, dashboard) and the dashboard URL;',
        'with --once there is no dashboard, and the command exits once the scenarios are recorded.',
        'Examples:',
        '  npm start',
        '  gws-vcr demo --port 0 --once --db /tmp/demo.sqlite && gws-vcr analyze --db /tmp/demo.sqlite',
      ].join('\n'),
    )
    .action(async (options: DemoCommandOptions) => {
      await runServer(() => startDemo(options));
    });
