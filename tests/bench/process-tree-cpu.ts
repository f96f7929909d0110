import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (ms) used so far by this process's descendants (Linux /proc): Chromium's browser, renderer
 * and utility processes, for figures that a loaded machine's wall clock would blur. Each process counts
 * its own time and that of its children that have ended and been reaped (a closed page's renderer is
 * reaped by Chromium's zygote, which lives on), so a delta taken across a print includes the pages it
 * closed. This process itself is left out (process.cpuUsage has it).
 */
export function descendantsCpuMs(root = process.pid): number {
  const procs = new Map<number, { ppid: number; ms: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state, ppid, … utime (12th), stime, cutime, cstime, in clock ticks (100 a second).
      procs.set(Number(name), { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10 });
    } catch {
      // ended while being read
    }
  }
  let total = 0;
  for (const [pid, p] of procs) {
    if (pid === root) continue;
    for (let up = p.ppid, depth = 0; up > 1 && depth < 16; up = procs.get(up)?.ppid ?? 0, depth++) {
      if (up === root) {
        total += p.ms;
        break;
      }
    }
  }
  return total;
}
