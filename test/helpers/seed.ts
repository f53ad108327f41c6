// The seed page (CompleteTransfer.txt) as data: its CometD notifications in page order, for shape tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallStateChangeMessage } from '../../src/gws/index.js';

export interface SeedNotification {
  /** "Sample 1" or "Sample 2" */
  sample: string;
  channel: string;
  data: CallStateChangeMessage;
}

export const SEED_PATH = join(import.meta.dirname, '..', 'fixtures', 'seed-complete-transfer.txt');

/** Every JSON notification of the seed page (objects with a `channel`), in the order the page shows them. */
export const seedNotifications = (): SeedNotification[] => {
  const lines = readFileSync(SEED_PATH, 'utf8').split('\n');
  const found: SeedNotification[] = [];
  let sample = '';
  let block: string[] | null = null;
  let depth = 0;
  for (const line of lines) {
    if (block === null && /^Sample \d+$/.test(line.trim())) sample = line.trim();
    if (block === null && line.trim() === '{') block = [];
    if (block === null) continue;
    block.push(line);
    for (const ch of line) {
      if (ch === '{') depth += 1;
      if (ch === '}') depth -= 1;
    }
    if (depth === 0) {
      const parsed = JSON.parse(block.join('\n')) as { channel?: string; data?: unknown };
      if (typeof parsed.channel === 'string') {
        found.push({ sample, channel: parsed.channel, data: parsed.data as CallStateChangeMessage });
      }
      block = null;
    }
  }
  return found;
};
