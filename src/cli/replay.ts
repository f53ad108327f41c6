// `gws-vcr replay`: serves a recorded session as a stand-in GWS server until SIGINT/SIGTERM.
import { Command, InvalidArgumentError } from 'commander';
import { VcrError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { loadReplaySource, REPLAY_DEFAULTS, type ReplaySharing, startReplayServer } from '../replay/index.js';
import { openStore } from '../store/index.js';
import { collect, DEFAULT_DB, parseNonNegative, parsePort, parsePositive } from './options.js';
import { runServer } from './run.js';
import { printable } from './terminal-text.js';

export interface ReplayCommandOptions {
  db: string;
  session: string;
  port: number;
  host: string;
  speed: number;
  strict?: boolean;
  lenient?: boolean;
  jitter: number;
  seed: number;
  ignoreField: string[];
  inspectPublic?: boolean;
  sharing: ReplaySharing | 'auto';
}

const SHARINGS = ['auto', 'each-client', 'shared'] as const;

const parseSharing = (value: string): ReplaySharing | 'auto' => {
  const found = SHARINGS.find((s) => s === value);
  if (found === undefined) throw new InvalidArgumentError(`"${value}" is not one of ${SHARINGS.join(', ')}.`);
  return found;
};

const parseSeed = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return n;
};

export const replayCommand = (): Command =>
  new Command('replay')
    .description(
      'Serve a recorded session as a stand-in GWS server: REST answers as recorded, and the CometD ' +
        'notifications that followed each request, at the recorded delays.',
    )
    .option('--db <file>', 'recording database to read', DEFAULT_DB)
    .option('--session <id>', 'session to replay: an id, a name, or latest', 'latest')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, REPLAY_DEFAULTS.port)
    .option('--host <host>', 'interface to listen on', REPLAY_DEFAULTS.host)
    .option(
      '--speed <factor>',
      'recorded delays are divided by this (10 = ten times faster)',
      parsePositive,
      REPLAY_DEFAULTS.speed,
    )
    .option(
      '--strict',
      'answer a request the recording does not hold with a 404 naming the closest ones (default)',
    )
    .option('--lenient', 'answer a request the recording does not hold with {"statusCode":0}')
    .option(
      '--jitter <ms>',
      'move each notification by up to ± this many ms, to reproduce races',
      parseNonNegative,
      REPLAY_DEFAULTS.jitterMs,
    )
    .option(
      '--seed <n>',
      'seed of the jitter: the same seed moves every notification the same way',
      parseSeed,
      REPLAY_DEFAULTS.seed,
    )
    .option(
      '--ignore-field <name>',
      'JSON field or query parameter left out of matching (repeatable)',
      collect,
      [],
    )
    .option(
      '--sharing <mode>',
      'each-client: every client replays the whole session; shared: clients go through it together, as the ' +
        'recorded desktops did; auto: shared when several desktops were recorded at once',
      parseSharing,
      'auto',
    )
    .option('--inspect-public', 'serve the inspection API (/__vcr/status, /__vcr/reset) off loopback too')
    .addHelpText(
      'after',
      [
        '',
        'Clients are told apart by the JSESSIONID the replay hands out, else by their Authorization header.',
        'A recording of one desktop gives every client the whole session on its own timeline; a recording of',
        'several desktops at once is shared by the live clients (see --sharing).',
        'GET /__vcr/status shows pending and delivered notifications and unmatched requests;',
        'POST /__vcr/reset starts every client at the beginning again.',
        '',
        'Examples:',
        '  gws-vcr replay --session latest',
        '  gws-vcr replay --db recordings/lab.sqlite --session 3 --speed 10 --lenient',
        '  gws-vcr replay --jitter 50 --seed 7 --ignore-field referenceId',
      ].join('\n'),
    )
    .action(async (options: ReplayCommandOptions) => {
      await runServer(async () => {
        if (options.strict && options.lenient) {
          throw new VcrError('VCR_BAD_OPTION', '--strict and --lenient were both given', {
            hint: 'Pass one of them (strict is the default).',
          });
        }
        const store = openStore(options.db, { readonly: true });
        // Everything is read up front: the file is not held while replaying.
        const source = (() => {
          try {
            return loadReplaySource(store, options.session);
          } finally {
            store.close();
          }
        })();
        const replay = await startReplayServer({
          source,
          port: options.port,
          host: options.host,
          speed: options.speed,
          mode: options.lenient ? 'lenient' : 'strict',
          jitterMs: options.jitter,
          seed: options.seed,
          ignoreFields: options.ignoreField,
          isInspectionPublic: options.inspectPublic === true,
          sharing: options.sharing,
          logger: createLogger('warn'),
        });
        const { session } = source;
        const status = replay.status();
        process.stderr.write(
          `gws-vcr: replaying session ${session.id}${session.name ? ` (${printable(session.name)})` : ''}: ` +
            `${status.recorded.requests} requests, ${status.recorded.notifications} notifications, ` +
            `${status.sharing === 'shared' ? 'shared by the clients' : 'one timeline per client'}\n`,
        );
        return { urls: [replay.url], close: () => replay.close() };
      });
    });
