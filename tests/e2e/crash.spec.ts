import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrashLab } from '../bench/crash-lab';

/**
 * The crash test, short: two SIGKILLs at random moments during each of import, revert, export,
 * report and backup (the full run, 30 each, is `npm run bench:crash`). Every database stays intact and
 * holds all of the operation or none of it; no output file is cut off; nothing stays in the temp folder.
 */
test('SIGKILL during import, revert, export, report and backup: all or nothing, no cut-off file', async () => {
  test.setTimeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), 'parkpilot-crash-'));
  const lab = new CrashLab(dir);
  try {
    lab.prepare(500);
    for (const op of ['import', 'revert', 'export', 'report', 'backup'] as const) {
      const tally = await lab.crash(op, 2);
      expect(tally.failures, op).toEqual([]);
      expect(tally.before + tally.after, op).toBe(2);
    }
    expect(lab.checkTempSwept()).toEqual([]);
  } finally {
    lab.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
