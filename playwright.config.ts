import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './src/server/chromiumFlags';

// E2E runs the real renderer in Debian's Chromium against the web shell on a fresh demo database.
//
// Three lanes run side by side, one worker each, every lane's files in name order:
// - `own files`: the command-line specs and the screen specs that start servers and databases of their
//   own (backups, upgrade, the printed report, the generated park's check); they touch no shared shell.
// - `screens A` and `screens B`: the specs that drive a shared web shell, split in two so that each half
//   has a shell and a demo database of its own (two webServer entries). A lane's specs run one at a
//   time, so a spec that changes its lane's database (and puts it back, or counts on what the demo
//   holds) sees the same state whichever lane it is in: nothing in a lane follows another lane.
// The split keeps the lanes about equal in time (CI s18, per spec: newcomer-walk 173 s, english 82 s,
// drawer-headings 70 s, hub 59 s, first-hour 56 s, …; s20 on a loaded machine, lanes A/B/own 844/790/761 s,
// then cold-start and renderer-size, read-only, moved to B, where reduced-motion joined them). The run used to be one screen lane of 920 s
// beside a command-line lane of 240 s.
//
// Each shell's port is PARKPILOT_E2E_PORT_A / _B, or a free one chosen once: the config is read again in
// each worker, and the workers inherit the runner's environment, so they all agree on it.
process.env.PARKPILOT_E2E_PORT_A ??= freePort();
process.env.PARKPILOT_E2E_PORT_B ??= freePort();

/** Specs that use only files and servers of their own: never a shared web shell. */
const OWN_FILES = ['chromium-flags', 'cli', 'cli-hub', 'cli-lang', 'cli-sync', 'crash', 'crash-merge', 'backups', 'cli-check-rules', 'report-pdf', 'upgrade'];
/** The shared-shell specs of lane A; every other spec is lane B's. */
const SCREENS_A = ['drawer-headings', 'first-use', 'grid-ux', 'live-data', 'newcomer-walk', 'pipeline'];
const specs = (names: string[]) => new RegExp(`/(${names.join('|')})\\.spec\\.ts$`);
/**
 * PARKPILOT_E2E_SCREEN_LANES=1 runs every screen spec on one shell, one at a time, beside the own-files
 * lane (the layout before the split): for a paired timing of one lane against two on the same machine.
 */
const ONE_SCREEN_LANE = process.env.PARKPILOT_E2E_SCREEN_LANES === '1';

/** A shared web shell: a fresh demo database of its own, served on `port`. */
function shell(lane: string, port: string) {
  const db = `.e2e/${lane}/demo.db`;
  return {
    command: `rm -rf .e2e/${lane} && node bin/parkpilot.js demo --db ${db} && node bin/parkpilot.js serve --db ${db} --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  };
}

export default defineConfig({
  testDir: 'tests/e2e',
  // Patience, not a looser check: on two cores running three lanes (or beside other work) a page's
  // first load is the renderer's CPU time (the grid's chunk is over 1 MB), and it took over 10 s at a
  // load of 20 (s19: every failure of a loaded run was a first grid load or a 60 s test). An expectation
  // still fails on what it sees; a passing run waits no longer.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: ONE_SCREEN_LANE ? 2 : 3,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The printer's flags (src/server/chromiumFlags.ts): the features Chromium leaves off are argued there.
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
  },
  // Every screen spec at 1440×900 (a common office laptop) unless it sets its own size (the small-screen
  // spec: 1024×700).
  projects: ONE_SCREEN_LANE
    ? [
        { name: 'own files', testMatch: specs(OWN_FILES), workers: 1 },
        { name: 'screens', testIgnore: specs(OWN_FILES), use: { baseURL: `http://127.0.0.1:${process.env.PARKPILOT_E2E_PORT_A}` }, workers: 1 },
      ]
    : [
        { name: 'own files', testMatch: specs(OWN_FILES), workers: 1 },
        { name: 'screens A', testMatch: specs(SCREENS_A), use: { baseURL: `http://127.0.0.1:${process.env.PARKPILOT_E2E_PORT_A}` }, workers: 1 },
        { name: 'screens B', testIgnore: [specs(OWN_FILES), specs(SCREENS_A)], use: { baseURL: `http://127.0.0.1:${process.env.PARKPILOT_E2E_PORT_B}` }, workers: 1 },
      ],
  webServer: ONE_SCREEN_LANE ? [shell('a', process.env.PARKPILOT_E2E_PORT_A)] : [shell('a', process.env.PARKPILOT_E2E_PORT_A), shell('b', process.env.PARKPILOT_E2E_PORT_B)],
});

function freePort(): string {
  const script = "const s = require('net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}
