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

/** Origin the seed's URIs use. */
export const SEED_ORIGIN = 'http://127.0.0.1:8080';

/**
 * Turns notification data into comparable text: the origin becomes `<origin>`, call ids and connIds become
 * `<call1>`, `<conn1>`… in order of first appearance (shared across calls of one normalizer), durations `<s>`.
 * Key order survives, so equal text means equal keys, order and values, ids and durations aside.
 */
export const createNormalizer = (origin: string): ((data: unknown) => string) => {
  const calls = new Map<string, string>();
  const conns = new Map<string, string>();
  const label = (map: Map<string, string>, prefix: string, value: string): string => {
    const known = map.get(value);
    if (known !== undefined) return known;
    const made = `<${prefix}${map.size + 1}>`;
    map.set(value, made);
    return made;
  };
  return (data) =>
    JSON.stringify(data)
      .replaceAll(origin, '<origin>')
      .replace(/[0-9A-V]{23}AES[0-9A-V]{6}/g, (id) => label(calls, 'call', id))
      .replace(/"connId":"([0-9a-f]{16})"/g, (_m, conn: string) => `"connId":"${label(conns, 'conn', conn)}"`)
      .replace(/"duration":"\d+"/g, '"duration":"<s>"');
};
