// Runs a command (`node scripts/e2e-cpu.mjs npx playwright test`) and says how much CPU its process tree
// used, split by kind (Chromium, the web shells, the test workers, the command-line runs): on a machine
// shared with other work the wall clock says little, the CPU what the run itself costs. Linux /proc only.
// Each process is sampled every 200 ms for its own time; processes that end between two samples
// (short command-line runs) are caught in the total, which is the children's rusage at the end.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const TICK_MS = 10; // clock ticks of 100 a second, as /proc reports them
const seen = new Map(); // pid -> { kind, ms }

function kindOf(cmd) {
  if (/chrom/i.test(cmd)) return 'chromium';
  if (/parkpilot\.js serve/.test(cmd)) return 'web shell';
  if (/playwright.*(workerMain|worker)|processHost/i.test(cmd)) return 'test workers';
  if (/playwright/.test(cmd)) return 'runner';
  if (/parkpilot\.js|tsx|node/.test(cmd)) return 'command line / other node';
  return 'other';
}

function sample(root) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * TICK_MS });
    } catch {
      // ended while being read
    }
  }
  for (const [pid, p] of procs) {
    let up = p.ppid;
    for (let depth = 0; up > 1 && up !== root && depth < 20; depth++) up = procs.get(up)?.ppid ?? 0;
    if (up !== root) continue;
    let entry = seen.get(pid);
    if (!entry) {
      let cmd;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue; // ended while being read
      }
      entry = { kind: kindOf(cmd), ms: 0 };
      seen.set(pid, entry);
    }
    entry.ms = Math.max(entry.ms, p.ms);
  }
}

const started = Date.now();
const child = spawn(process.argv[2], process.argv.slice(3), { stdio: 'inherit' });
const timer = setInterval(() => sample(child.pid), 200);
child.on('exit', (code) => {
  clearInterval(timer);
  // This process's reaped children (cutime + cstime): the whole tree, where each parent reaped its own.
  const own = readFileSync('/proc/self/stat', 'utf8');
  const f = own.slice(own.lastIndexOf(')') + 2).split(' ');
  const total = (Number(f[13]) + Number(f[14])) * TICK_MS;
  const byKind = {};
  for (const { kind, ms } of seen.values()) byKind[kind] = (byKind[kind] ?? 0) + ms;
  const wall = (Date.now() - started) / 1000;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stderr.write(`\ne2e-cpu: wall ${wall.toFixed(0)} s; load at end ${load}\n`);
  for (const [kind, ms] of Object.entries(byKind).sort((a, b) => b[1] - a[1])) process.stderr.write(`e2e-cpu:   ${kind}: ${(ms / 1000).toFixed(1)} s (sampled)\n`);
  process.stderr.write(`e2e-cpu: children's CPU by rusage ${(total / 1000).toFixed(1)} s (includes what sampling missed)\n`);
  process.exit(code ?? 1);
});
