// The `gws-vcr` command line: one subcommand per file in this folder, registered here.
import { Command } from 'commander';
import { sessionsCommand } from './sessions.js';

const program = new Command('gws-vcr')
  .description('Record, replay and analyze Genesys Web Services (GWS) API v2 traffic, CometD included.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program.addCommand(sessionsCommand());

await program.parseAsync(process.argv);
