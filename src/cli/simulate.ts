// `gws-vcr simulate`: runs the GWS Voice API simulator until SIGINT/SIGTERM.
import { Command } from 'commander';
import { createLogger } from '../common/logger.js';
import { SIMULATOR_DEFAULTS, startSimulator } from '../simulator/index.js';
import { parseNonNegative, parsePort, parseUrl } from './options.js';
import { runServer } from './run.js';

export interface SimulateOptions {
  port: number;
  host: string;
  latency: number;
  externalUrl?: URL;
}

export const simulateCommand = (): Command =>
  new Command('simulate')
    .description(
      'Run a GWS API v2 Voice simulator: REST under /api/v2, CometD on /api/v2/notifications, ' +
        'and a control API (POST /sim/calls {"to":"5005","from":"5000"} rings a call at agent 5005).',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, SIMULATOR_DEFAULTS.port)
    .option('--host <host>', 'interface to listen on', SIMULATOR_DEFAULTS.host)
    .option(
      '--latency <ms>',
      'ms between a response and the notifications it causes',
      parseNonNegative,
      SIMULATOR_DEFAULTS.latencyMs,
    )
    .option(
      '--external-url <url>',
      "as GWS's externalApiUrlV2: absolute URIs in answers and notifications name this URL's origin (a load " +
        "balancer's, say) instead of the simulator's own",
      parseUrl,
    )
    .addHelpText(
      'after',
      [
        '',
        'Agents: 5005 (the default "me" when a request has no credentials), 15000, 5001, 5002;',
        'Basic auth with user agent<DN> or <DN> selects another one.',
        'Control API: POST /sim/calls/{id}/answer and /sim/calls/{id}/hangup act for the far end;',
        'GET /sim/calls and /sim/agents show the state.',
      ].join('\n'),
    )
    .action(async (options: SimulateOptions) => {
      await runServer(async () => {
        const simulator = await startSimulator({
          port: options.port,
          host: options.host,
          latencyMs: options.latency,
          externalOrigin: options.externalUrl?.origin,
          logger: createLogger('warn'),
        });
        return { urls: [simulator.url], close: () => simulator.close() };
      });
    });
