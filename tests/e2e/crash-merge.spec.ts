import { expect, test } from '@playwright/test';
import { mergeCrashTest } from '../crash/merge-crash';

// A short version of `npm run bench:crash`: a merge killed at random moments leaves the database intact
// and either untouched or fully merged.
test('SIGKILL during a merge: integrity ok, all or nothing', async () => {
  test.setTimeout(240_000);
  const outcome = await mergeCrashTest(6, 2000);
  expect(outcome.untouched + outcome.merged).toBe(6);
});
