import { sweepStaleRunDirs } from '../jobs';
import type { ParkCore } from '../service';
import { dailyBackupIfDue } from './engine';
import { checkInBackground, type Health } from './health';

/**
 * What the shells do once a database is open: the temp folder swept, the background quick check, then, when the file is
 * sound and nothing is writing, the day's backup. Failures are kept for Settings, never thrown at
 * start-up: the user gets the app (or the restore screen), not a crash.
 */
export async function afterOpen(core: ParkCore, nativeBinding?: string): Promise<{ health: Health; backup: string | null; error?: string }> {
  sweepStaleRunDirs(); // what killed ParkPilot processes left in the temp folder
  const file = core.db.name;
  const health = await checkInBackground(file, nativeBinding);
  if (health.state === 'damaged' || !core.db.open || core.db.name !== file || core.db.inTransaction || core.jobs.busy) return { health, backup: null };
  try {
    return { health, backup: dailyBackupIfDue(core.db)?.path ?? null };
  } catch (err) {
    return { health, backup: null, error: (err as Error).message };
  }
}
