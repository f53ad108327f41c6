// The `gws-vcr` command line: one subcommand per file in this folder, listed in commands.ts.
import { Command } from 'commander';
import { allCommands } from './commands.js';

const program = new Command('gws-vcr')
  .description('Record, replay and analyze Genesys Web Services (GWS) API v2 traffic, CometD included.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

for (const command of allCommands()) program.addCommand(command);

await program.parseAsync(process.argv);
