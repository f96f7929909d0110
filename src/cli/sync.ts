import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Locale } from '../core/errors';
import { ParkCore } from '../core/service';
import { checkout, exportPackage, importSource, syncStatus } from '../core/sync/fieldwork';
import { UsageError } from './usage';
import { osUserName } from './os-user';

/**
 * `parkpilot checkout` and `parkpilot sync export|import|status`: the fieldwork round trip for
 * scheduled jobs and for checking. Packages are sealed with a password from `--password-file` or
 * PARKPILOT_SYNC_PASSWORD (never from the command line, where other users could read it).
 */
export const SYNC_USAGE = `  checkout  --db OFFICE --out LAPTOP.db --device NAME [--user NAME]
                                                 a laptop copy of the office database (new site id)
  sync export --db DB --out FILE.ppsync [--for SITE] [--password-file F]
                                                 the changes the receiver has not seen (a field copy: its office)
  sync import FILE.ppsync|LAPTOP.db --db DB [--dry-run] [--json] [--password-file F]
                                                 merge another copy's changes (preview with --dry-run)
  sync status --db DB [--json]                   site, device, peers and what they lack, open review items`;

function open(values: Record<string, unknown>): ParkCore {
  const file = values.db;
  if (typeof file !== 'string' || !file) throw new UsageError('--db is required');
  if (!existsSync(file)) throw new UsageError(`${file}: no such database`);
  return new ParkCore(file, { create: false, user: (values.user as string | undefined) ?? osUserName() });
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

function password(values: Record<string, unknown>): string | undefined {
  const file = values['password-file'];
  if (typeof file === 'string') return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return process.env.PARKPILOT_SYNC_PASSWORD || undefined;
}

export async function runSync(command: 'checkout' | 'sync', args: string[], locale: Locale): Promise<void> {
  const sub = command === 'sync' ? args[0] : 'checkout';
  const { values, positionals } = parseArgs({
    args: command === 'sync' ? args.slice(1) : args,
    strict: true,
    allowPositionals: true,
    options: {
      db: { type: 'string' }, out: { type: 'string' }, device: { type: 'string' }, user: { type: 'string' }, for: { type: 'string' },
      'password-file': { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
      lang: { type: 'string' }, // read by index.ts before the command runs
    },
  });
  const core = sub === 'checkout' || sub === 'export' || sub === 'import' || sub === 'status' ? open(values) : null;
  if (!core) throw new UsageError(`unknown sync command "${sub ?? ''}" (export, import or status)`);
  try {
    const ctx = core.context(locale);
    if (sub === 'checkout') {
      const out = required(values, 'out');
      const { site } = checkout(ctx, out, required(values, 'device'), (values.user as string | undefined) ?? null);
      process.stdout.write(`field copy written: ${out} (site ${site})\n`);
    } else if (sub === 'export') {
      const receiver = values.for as string | undefined;
      if (receiver !== undefined && !/^[0-9a-f]{16}$/.test(receiver)) throw new UsageError('--for takes a site id (16 hex digits, see: parkpilot sync status)');
      const out = required(values, 'out');
      const { changes, bytes } = exportPackage(ctx, out, receiver ?? null, password(values));
      process.stdout.write(`${changes} changes → ${out} (${bytes} bytes)\n`);
    } else if (sub === 'import') {
      const file = positionals[0];
      if (!file) throw new UsageError('sync import needs a FILE (.ppsync or a laptop database)');
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      const report = await importSource(ctx, file, {
        dryRun: !!values['dry-run'],
        password: password(values),
        onProgress: (done, total) => process.stderr.isTTY && process.stderr.write(`\rmerging… ${Math.floor((done / Math.max(1, total)) * 100)}%`),
      });
      if (process.stderr.isTTY) process.stderr.write('\r');
      if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(
          `${report.dryRun ? 'dry run: ' : ''}${report.changes} changes from ${report.sender.device} — ${report.applied} new (${report.fastForward} fast-forward, ${report.converged} converged, ${report.conflicts.length} conflicts), ${report.duplicates} already here, ${report.newRecords} new records, ${report.absorbed.length} duplicates merged, ${report.deletedEdits} edits on deleted records\n`,
        );
        for (const c of report.conflicts.slice(0, 20)) process.stdout.write(`  conflict ${c.table}.${c.field} ${c.id}: kept ${JSON.stringify(c.kept)}, lost ${JSON.stringify(c.lost)} by ${c.lostBy} at ${c.lostAt}\n`);
      }
    } else {
      const s = syncStatus(ctx);
      if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else {
        process.stdout.write(`site ${s.site} (${s.device ?? '?'}), park database ${s.dbId}\n`);
        if (s.fieldCopy) process.stdout.write(`field copy of ${s.fieldCopy.officeDevice} (${s.fieldCopy.officeFile}) taken ${s.fieldCopy.takenAt.slice(0, 16)} by ${s.fieldCopy.person ?? '?'}; ${s.unreturned} changes not yet returned\n`);
        for (const p of s.peers) process.stdout.write(`  peer ${p.site} ${p.device ?? ''}: last heard ${p.lastHeard?.slice(0, 16) ?? 'never'}, ${p.waiting} changes it lacks (records: ${p.waitingRecords ?? 'not counted'})\n`);
        process.stdout.write(`open review items: ${s.openReviews}\n`);
      }
    }
  } finally {
    core.close();
  }
}
