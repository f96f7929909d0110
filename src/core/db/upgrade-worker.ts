import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../errors';
import { migrations } from './migrations';
import { openDatabase } from './open';

/**
 * The worker of db/upgrade.ts: opens the database with its own connection (backup, then migrations, as
 * any open does), posting each step, and closes it. It runs as a worker thread (the web shell: its data
 * in workerData) or as Electron's utilityProcess (the desktop: its data as JSON in argv, messages
 * through process.parentPort, since a worker thread cannot load the app's code from app.asar). PARKPILOT_TEST_UPGRADE_DELAY_MS slows each report
 * down so an end-to-end test can see the progress on a small file; it is read in this worker only.
 */
const electronPort = (process as { parentPort?: { postMessage(m: unknown): void } }).parentPort;
const post = (m: unknown) => (parentPort ?? electronPort)!.postMessage(m);
const { file, nativeBinding, knownMigrationCount } = (workerData ?? JSON.parse(process.argv.at(-1)!)) as { file: string; nativeBinding?: string; knownMigrationCount?: number };
const delay = Number(process.env.PARKPILOT_TEST_UPGRADE_DELAY_MS ?? 0);
const sleep = new Int32Array(new SharedArrayBuffer(4));

try {
  const db = openDatabase(file, {
    create: false,
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(knownMigrationCount !== undefined ? { knownMigrations: migrations.slice(0, knownMigrationCount) } : {}),
    onUpgrade: (progress) => {
      post({ type: 'progress', progress });
      if (delay > 0) Atomics.wait(sleep, 0, 0, delay);
    },
  });
  db.close();
  post({ type: 'done' });
} catch (err) {
  const payload = toErrorPayload(err, 'en');
  post({ type: 'error', code: payload.code, params: payload.params ?? {} });
}
