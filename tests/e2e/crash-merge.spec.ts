import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';

// A short version of `npm run bench:crash` (its merge part): a merge killed at random moments leaves the
// database intact and either untouched or fully merged. The lab runs under tsx, as the bench does.
test('SIGKILL during a merge: integrity ok, all or nothing', () => {
  test.setTimeout(300_000);
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'tests/bench/crash-merge.ts'], {
    encoding: 'utf8',
    env: { ...process.env, CRASH_KILLS: '6', CRASH_ENTERPRISES: '2000' },
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/merge crash test: 6 kills, \d+ untouched, \d+ fully merged, 0 in between; integrity ok every time/);
});
