import { readdirSync, readFileSync } from 'node:fs';

/**
 * The command line of the Chromium this process started through Playwright (the one child with
 * Playwright's pipe), read from Linux's /proc: what the e2e runs and the report printer really launched.
 */
export function browserCommandLine(): string[] {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.includes('--remote-debugging-pipe')) return args;
    } catch {
      // ended while being read
    }
  }
  throw new Error('no browser started by this process');
}
