// Peak resident set size of a running process, from /proc (Linux): what it needed at most so far.
import { readFileSync } from 'node:fs';

/** VmHWM of `pid` in MB (threads included); NaN where /proc is not available or the process is gone. */
export const peakRssMbOf = (pid: number): number => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
};
