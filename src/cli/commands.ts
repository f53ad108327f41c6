// The gws-vcr program and its subcommands, in the order `--help` lists them (the everyday flow first); main.ts and tests build from it.
import { Command } from 'commander';
import { analyzeCommand } from './analyze.js';
import { dashboardCommand } from './dashboard.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { recordCommand } from './record.js';
import { replayCommand } from './replay.js';
import { sessionsCommand } from './sessions.js';
import { simulateCommand } from './simulate.js';

export const allCommands = (): Command[] => [
  demoCommand(),
  simulateCommand(),
  recordCommand(),
  replayCommand(),
  analyzeCommand(),
  dashboardCommand(),
  sessionsCommand(),
  exportCommand(),
  importCommand(),
];

/** The `gws-vcr` program as the bin runs it: every subcommand, with the program's settings passed on. */
export const buildProgram = (): Command => {
  const program = new Command('gws-vcr')
    .description('Record, replay and analyze Genesys Web Services (GWS) API v2 traffic, CometD included.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  // addCommand, unlike .command(), does not pass the program's settings on: without the copy a subcommand's
  // errors (a bad --port) would come without the --help hint.
  for (const command of allCommands()) program.addCommand(command.copyInheritedSettings(program));
  return program;
};
