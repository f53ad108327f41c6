// `gws-vcr dashboard`: serves the web dashboard over a recording file until SIGINT/SIGTERM.
import { Command } from 'commander';
import { createLogger } from '../common/logger.js';
import { assertSafeBinding, createDashboard, DASHBOARD_DEFAULTS } from '../dashboard/index.js';
import { openStore } from '../store/index.js';
import { DEFAULT_DB, parsePort } from './options.js';
import { runServer, startInTurn } from './run.js';

export interface DashboardCommandOptions {
  db: string;
  port: number;
  host: string;
  token?: string;
}

/** Env var read when --token is not given, so the token need not show in `ps`. */
export const TOKEN_ENV = 'GWS_VCR_DASHBOARD_TOKEN';

export const dashboardCommand = (): Command =>
  new Command('dashboard')
    .description(
      'Serve the web dashboard (timeline, ladder, transfers, JSON API under /api/) over a recording.',
    )
    .option('--db <file>', 'recording database to read', DEFAULT_DB)
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, DASHBOARD_DEFAULTS.port)
    .option(
      '--host <host>',
      'interface to listen on; anything but loopback needs --token',
      DASHBOARD_DEFAULTS.host,
    )
    .option('--token <token>', `secret every request must carry (default: $${TOKEN_ENV})`)
    .addHelpText(
      'after',
      [
        '',
        'With --token T, open http://HOST:PORT/?token=T once (a cookie keeps it), or send Authorization: Bearer T.',
        'The file may be one another process is recording into: open sessions refresh as they grow.',
        '',
        'Examples:',
        '  gws-vcr dashboard',
        '  gws-vcr dashboard --db recordings/lab.sqlite --port 0',
        '  gws-vcr dashboard --host 0.0.0.0 --token "$(openssl rand -hex 16)"',
      ].join('\n'),
    )
    .action(async (options: DashboardCommandOptions) => {
      await runServer(() =>
        startInTurn(async (stack) => {
          const token = options.token ?? process.env[TOKEN_ENV] ?? undefined;
          assertSafeBinding(options.host, token);
          const store = openStore(options.db, { readonly: true });
          stack.push(() => store.close());
          const dashboard = await createDashboard({
            store,
            host: options.host,
            port: options.port,
            ...(token ? { token } : {}),
            logger: createLogger('warn'),
          });
          stack.push(() => dashboard.close());
          return { urls: [dashboard.url], close: stack.close };
        }),
      );
    });
