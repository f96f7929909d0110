import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../errors';
import { migrations } from './migrations';
import { openDatabase } from './open';

/**
 * The worker of db/upgrade.ts: opens the database with its own connection (backup, then migrations, as
 * any open does), posting each step, and closes it. PARKPILOT_TEST_UPGRADE_DELAY_MS slows each report
 * down so an end-to-end test can see the progress on a small file; it is read in this worker only.
 */
const { file, nativeBinding, knownMigrationCount } = workerData as { file: string; nativeBinding?: string; knownMigrationCount?: number };
const delay = Number(process.env.PARKPILOT_TEST_UPGRADE_DELAY_MS ?? 0);
const sleep = new Int32Array(new SharedArrayBuffer(4));

try {
  const db = openDatabase(file, {
    create: false,
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(knownMigrationCount !== undefined ? { knownMigrations: migrations.slice(0, knownMigrationCount) } : {}),
    onUpgrade: (progress) => {
      parentPort!.postMessage({ type: 'progress', progress });
      if (delay > 0) Atomics.wait(sleep, 0, 0, delay);
    },
  });
  db.close();
  parentPort!.postMessage({ type: 'done' });
} catch (err) {
  const payload = toErrorPayload(err, 'en');
  parentPort!.postMessage({ type: 'error', code: payload.code, params: payload.params ?? {} });
}
