import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';

// E2E runs the real renderer in Debian's Chromium against the web shell on a fresh demo database.
// The port is PARKPILOT_E2E_PORT, or a free one chosen once: the config is read again in each worker,
// and the workers inherit the runner's environment, so they all agree on it.
process.env.PARKPILOT_E2E_PORT ??= freePort();
const PORT = Number(process.env.PARKPILOT_E2E_PORT);
const DB = '.e2e/demo.db';
/** Specs that drive only the command line, each on databases of its own: never the shared web shell. */
const COMMAND_LINE_SPECS = /\/(cli|cli-hub|cli-lang|cli-sync|crash|crash-merge)\.spec\.ts$/;

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two lanes: the screens share one web shell and its database, so they run one at a time; the
  // command-line specs use files of their own and run beside them (projects below).
  workers: 2,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
  // Every screen spec at 1440×900 (a common office laptop); the main pages again at 1024×700 (small
  // screens), after them on the same lane.
  projects: [
    { name: 'cli', testMatch: COMMAND_LINE_SPECS, workers: 1 },
    { name: '1440x900', use: { viewport: { width: 1440, height: 900 } }, testIgnore: [/small-screen\.spec\.ts/, COMMAND_LINE_SPECS], workers: 1 },
    { name: '1024x700', use: { viewport: { width: 1024, height: 700 } }, testMatch: /small-screen\.spec\.ts/, dependencies: ['1440x900'], workers: 1 },
  ],
  webServer: {
    command: `rm -rf .e2e && node bin/parkpilot.js demo --db ${DB} && node bin/parkpilot.js serve --db ${DB} --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

function freePort(): string {
  const script = "const s = require('net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}
