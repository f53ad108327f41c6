// Runs a command to completion and measures it from outside: wall time, CPU time and peak RSS (GNU time, else /proc).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cpuMsOf } from './cpu.js';

export interface ChildMeasure {
  wallMs: number;
  /** user + system CPU ms; NaN if unknown */
  cpuMs: number;
  /** peak resident set size in MB; NaN if unknown */
  peakRssMb: number;
  /** how peak RSS was read: GNU time's ru_maxrss, or /proc VmHWM polled every 20 ms */
  rssSource: 'time -v' | 'proc VmHWM' | 'none';
  exitCode: number | null;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

const field = (report: string, name: string): number => {
  const line = report.split('\n').find((l) => l.trim().startsWith(name));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(':') + 1).trim());
};

const hwmMb = (pid: number): number => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
};

/**
 * Runs `command args` with stdout written to `stdoutFile` (as a user's `> file` would) and resolves once it exits.
 * Under GNU time (`time -v`) when /usr/bin/time exists; otherwise it polls the child's VmHWM, which may miss a peak
 * reached, and CPU spent, in its last 20 ms.
 */
export const measureChild = async (
  command: string,
  args: string[],
  options: { cwd: string; stdoutFile: string },
): Promise<ChildMeasure> => {
  const hasTime = existsSync(GNU_TIME);
  const out = openSync(options.stdoutFile, 'w');
  const startedMs = performance.now();
  const child = hasTime
    ? spawn(GNU_TIME, ['-v', command, ...args], { cwd: options.cwd, stdio: ['ignore', out, 'pipe'] })
    : spawn(command, args, { cwd: options.cwd, stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let polledMb = Number.NaN;
  let polledCpuMs = Number.NaN;
  const poll = hasTime
    ? null
    : setInterval(() => {
        const mb = hwmMb(child.pid ?? -1);
        const cpuMs = cpuMsOf(child.pid ?? -1);
        if (Number.isFinite(mb)) polledMb = mb;
        if (Number.isFinite(cpuMs)) polledCpuMs = cpuMs;
      }, 20);
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallMs = performance.now() - startedMs;
  if (poll) clearInterval(poll);
  if (!hasTime) {
    return {
      wallMs,
      cpuMs: polledCpuMs,
      peakRssMb: polledMb,
      rssSource: Number.isFinite(polledMb) ? 'proc VmHWM' : 'none',
      exitCode: code,
      stderr,
    };
  }
  // GNU time appends its report to the child's stderr; everything before "Command being timed" is the child's
  const at = stderr.lastIndexOf('\tCommand being timed');
  const report = at === -1 ? '' : stderr.slice(at);
  const cpuS = field(report, 'User time (seconds)') + field(report, 'System time (seconds)');
  return {
    wallMs,
    cpuMs: cpuS * 1000,
    peakRssMb: field(report, 'Maximum resident set size (kbytes)') / 1024,
    rssSource: 'time -v',
    // GNU time exits with the command's code
    exitCode: code,
    stderr: at === -1 ? stderr : stderr.slice(0, at),
  };
};
