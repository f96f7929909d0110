import { readFileSync } from 'node:fs';

/**
 * CPU milliseconds used by the calling thread (not the whole process, as process.cpuUsage counts, which
 * adds the merge's classify thread to whatever phase the merge thread is in), from Linux's
 * /proc/thread-self/stat (utime + stime, in clock ticks of 10 ms). Elsewhere, the process's CPU: the
 * phase figures are for the benches, which run on Linux.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}
