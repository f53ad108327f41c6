// CPU time a process used, from /proc (Linux): steadier than throughput when other work shares the machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The kernel's clock tick rate for /proc CPU times (`getconf CLK_TCK`; 100 on every common Linux). */
const TICKS_PER_SECOND = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** user + system CPU ms in a /proc stat file (a process's, or one thread's under /proc/PID/task); NaN if unreadable. */
const cpuMsIn = (statPath: string): number => {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
};

/** user + system CPU ms the process has used so far, all its threads; NaN where /proc is not available. */
export const cpuMsOf = (pid: number): number => cpuMsIn(`/proc/${pid}/stat`);

/** user + system CPU ms of the process's main thread alone (Node's event loop: for a proxy, its forwarding thread). */
export const mainThreadCpuMsOf = (pid: number): number => cpuMsIn(`/proc/${pid}/task/${pid}/stat`);
