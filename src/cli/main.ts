// The `gws-vcr` command line: one subcommand per file in this folder, listed in commands.ts.
import { buildProgram } from './commands.js';

await buildProgram().parseAsync(process.argv);
