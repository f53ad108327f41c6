#!/usr/bin/env node
// Entry point of the `gws-vcr` command: loads the TypeScript sources through tsx, so the bin works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
