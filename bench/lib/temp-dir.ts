// A scratch directory for one bench section's databases, removed however the section ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `work` in a new directory under the system's temp dir (named `gws-vcr-bench-<name>-…`) and removes it after. */
export const withTempDir = async <T>(name: string, work: (dir: string) => Promise<T>): Promise<T> => {
  const dir = mkdtempSync(join(tmpdir(), `gws-vcr-bench-${name}-`));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
