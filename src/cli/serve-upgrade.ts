import type { UpgradeStatus } from '../core/db/upgrade';
import { upgradeInWorker } from '../core/db/upgrade';
import { AppError, toErrorPayload } from '../core/errors';
import type { ParkCore } from '../core/service';

/**
 * `parkpilot serve` on a database made by an older version: the upgrade runs on a worker thread while
 * the server answers (the page shows the progress from GET /api/upgrade-status), then the core is
 * opened as usual. A failed upgrade stays in the status, with its error, for the page to show; the
 * database is as it was (open.ts: the migrations are one transaction).
 */
export function upgradeWhileServing(file: string, openCore: () => ParkCore): { upgrade: { status(): UpgradeStatus; ready: Promise<ParkCore> }; core?: undefined } {
  let status: UpgradeStatus = { state: 'upgrading', progress: null };
  process.stderr.write(`upgrading ${file} (a backup first)…\n`);
  const ready = upgradeInWorker(file, {}, (progress) => (status = { state: 'upgrading', progress }))
    .then(() => {
      const core = openCore();
      status = { state: 'done' };
      process.stderr.write('upgrade done\n');
      return core;
    })
    .catch((err: unknown) => {
      const payload = toErrorPayload(err, 'en');
      status = { state: 'failed', error: { code: payload.code, params: payload.params ?? {} } };
      process.stderr.write(`upgrade failed: ${payload.message}\n`);
      throw err instanceof AppError ? err : new AppError(payload.code, payload.params ?? {});
    });
  ready.catch(() => undefined); // the failure is reported through status(); nobody else awaits it
  return { upgrade: { status: () => status, ready } };
}
