// Every gws-vcr subcommand, in the order `--help` lists them (the everyday flow first); main.ts and tests build from it.
import type { Command } from 'commander';
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
