// The `gws-vcr` command line: one subcommand per file in this folder, registered here.
import { Command } from 'commander';
import { analyzeCommand } from './analyze.js';
import { dashboardCommand } from './dashboard.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { registerRecord } from './record.js';
import { replayCommand } from './replay.js';
import { sessionsCommand } from './sessions.js';
import { registerSimulate } from './simulate.js';

const program = new Command('gws-vcr')
  .description('Record, replay and analyze Genesys Web Services (GWS) API v2 traffic, CometD included.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program.addCommand(sessionsCommand());
program.addCommand(dashboardCommand());
program.addCommand(exportCommand());
program.addCommand(importCommand());
registerSimulate(program);
registerRecord(program);
program.addCommand(replayCommand());
program.addCommand(demoCommand());
program.addCommand(analyzeCommand());

await program.parseAsync(process.argv);
