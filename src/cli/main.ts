// The `gws-vcr` command line: one subcommand per file in this folder, listed in commands.ts.
import { Command } from 'commander';
import { allCommands } from './commands.js';

const program = new Command('gws-vcr')
  .description('Record, replay and analyze Genesys Web Services (GWS) API v2 traffic, CometD included.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

// addCommand, unlike .command(), does not pass the program's settings on: without the copy a subcommand's
// errors (a bad --port) would come without the --help hint.
for (const command of allCommands()) program.addCommand(command.copyInheritedSettings(program));

await program.parseAsync(process.argv);
