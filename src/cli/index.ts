import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, formatMessage, isDatabaseDamage, type Locale } from '../core/errors';
import { generate, seedDemo } from '../core/seed/seed';
import { ParkCore } from '../core/service';
import type { JobState } from '../core/jobs';
import type { ImportReport } from '../core/imports/importer';
import { startServer } from '../server/http';
import { needsUpgrade } from '../core/db/upgrade';
import { upgradeWhileServing } from './serve-upgrade';
import { closePrinter, preparePrinter, printPdf } from '../server/pdf';
import { waitForWriteLock } from './lock';
import { copyAtomically } from '../core/util/atomic';
import { afterOpen } from '../core/backup/startup';
import { backupCommand, checkCommand, formatCheck, restoreCommand } from './backup';
import { defaultDatabase } from './paths';
import { runSync, SYNC_USAGE } from './sync';
import { HUB_USAGE, runHub } from './hub';
import { UsageError } from './usage';
import type { GridFilterModel } from '../core/grid/query';
import { cliLocale, LangError } from './locale';
import { normalisePeriod } from '../core/reports/model';
import { osUserName } from './os-user';
import { formatStats } from './stats';

/**
 * `parkpilot` — the command line over the same core the app uses. Every failure is one line on
 * stderr and a non-zero exit; progress of long runs goes to stderr, results to stdout.
 */
const USAGE = `usage: parkpilot <command> [options]
  demo      --db FILE [--force]                 create the demo database
  serve     [--db FILE] [--port N] [--host H]   serve the app in a browser (web shell)
  stats     --db FILE [--json] [--as-of DATE]   counts and plan targets
  generate  --db FILE --enterprises N --leads N --activities N [--seed N]
                                                 deterministic large data set for scale tests
  import    FILE --db DB [--entity enterprises|leads|incubations] [--mode create|update|upsert]
            [--sheet NAME] [--dry-run] [--json] [--rejected OUT.xlsx]
  import-revert BATCH --db DB                    undo one import in one step
  export    --db DB --view enterprises|leads|incubations|targets [--filter COL=VALUE …] [--sort COL[:desc]] [--as-of DATE (targets)]
            --format xlsx|csv --out FILE
  report    --db DB --kind operations|torch --period 2020|2020-Q4|2020-12 [--as-of DATE]
            --format pdf|xlsx --out FILE
${SYNC_USAGE}
${HUB_USAGE}
  backup    --db DB [--out FILE]                 a verified copy (default: into the backup folder beside DB)
  restore   FILE --db DB                         put a backup in place (the current file is kept as a backup first)
  check     --db DB [--json]                     integrity, foreign keys, search index, Overview aggregates, the 在孵 rule
  help                                           this text
every command takes --lang zh-CN|en (default: the system's language)`;

/** Messages and reports in this language; set from --lang or the system before the command runs. */
let locale: Locale = cliLocale(undefined);


/** The value of `--lang X` or `--lang=X` among a command's arguments (undefined when not given). */
function langFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--lang') return args[i + 1] ?? '';
    if (args[i]!.startsWith('--lang=')) return args[i]!.slice('--lang='.length);
  }
  return undefined;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function option(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

function count(values: Values, name: string, required = true): number {
  const raw = values[name];
  if (raw === undefined && !required) return 0;
  const n = Number(option(values, name));
  if (!Number.isInteger(n) || n < 0 || n > 50_000_000) throw new UsageError(`--${name} must be a whole number between 0 and 50000000`);
  return n;
}

function openExisting(file: string, options: { hubSync?: boolean } = {}): ParkCore {
  if (!existsSync(file)) throw new UsageError(`${file}: no such database (create one with: parkpilot demo --db ${file})`);
  return new ParkCore(file, { create: false, user: osUserName(), printPdf, preparePrinter, ...options });
}

export function createDemo(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const core = new ParkCore(file, { user: 'demo' });
  try {
    seedDemo(core.context());
  } finally {
    core.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'checkout' || command === 'sync' || command === 'hub') {
    // These parse their own options; --lang is read here first, so their messages (and this one's errors) follow it.
    try {
      locale = cliLocale(langFlag(rest));
    } catch (err) {
      throw new UsageError((err as LangError).message);
    }
    return command === 'hub' ? runHub(rest, locale) : runSync(command, rest, locale);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    options: {
      db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' },
      'as-of': { type: 'string' }, force: { type: 'boolean' }, enterprises: { type: 'string' }, leads: { type: 'string' },
      activities: { type: 'string' }, seed: { type: 'string' }, 'demo-if-missing': { type: 'boolean' },
      entity: { type: 'string' }, mode: { type: 'string' }, sheet: { type: 'string' }, 'dry-run': { type: 'boolean' }, rejected: { type: 'string' },
      view: { type: 'string' }, filter: { type: 'string', multiple: true }, sort: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
      kind: { type: 'string' }, period: { type: 'string' }, lang: { type: 'string' },
    },
    allowPositionals: true,
  });
  try {
    locale = cliLocale(values.lang);
  } catch (err) {
    throw new UsageError((err as LangError).message);
  }
  switch (command) {
    case 'demo': {
      const file = option(values, 'db');
      if (existsSync(file) && !values.force) throw new UsageError(`${file} already exists (use --force to replace it)`);
      if (values.force) for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) (await import('node:fs')).rmSync(f);
      createDemo(file);
      process.stderr.write(`demo database written to ${file}\n`);
      return;
    }
    case 'serve': {
      const file = (values.db as string | undefined) ?? defaultDatabase();
      if (!existsSync(file)) {
        if (!values['demo-if-missing'] && values.db) throw new UsageError(`${file}: no such database`);
        createDemo(file);
        process.stderr.write(`created the demo database at ${file}\n`);
      }
      const port = values.port === undefined ? 0 : count(values, 'port');
      if (port > 65535) throw new UsageError('--port must be between 0 and 65535');
      // The web shell keeps a hub-connected database in sync; the password lives only in this process.
      const openCore = () => {
        const core = openExisting(file, { hubSync: true });
        void afterOpen(core).then((r) => r.error && process.stderr.write(`daily backup failed: ${r.error}\n`));
        return core;
      };
      // An older database is upgraded on a worker thread while the page shows how far it is (cli/serve-upgrade.ts).
      const started: Pick<Parameters<typeof startServer>[0], 'core' | 'upgrade'> = needsUpgrade(file) ? upgradeWhileServing(file, openCore) : { core: openCore() };
      const server = await startServer({ ...started, rendererDir: join(__dirname, '../renderer'), host: (values.host as string | undefined) ?? '127.0.0.1', port });
      process.stdout.write(`ParkPilot web shell: ${server.url}  (database: ${file})\n`);
      const stop = () => void server.close().then(async () => (started.core ?? (await started.upgrade?.ready.catch(() => undefined)))?.close()).then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'stats': {
      const core = openExisting(option(values, 'db'));
      try {
        const asOf = values['as-of'] as string | undefined;
        if (asOf !== undefined && !/^\d{4}-\d\d-\d\d$/.test(asOf)) throw new UsageError('--as-of must be a date like 2020-12-31');
        const s = core.call('stats.get', asOf ? { asOf } : {});
        if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        else process.stdout.write(formatStats(s, locale));
      } finally {
        core.close();
      }
      return;
    }
    case 'generate': {
      const file = option(values, 'db');
      const counts = { enterprises: count(values, 'enterprises'), leads: count(values, 'leads'), activities: count(values, 'activities') };
      const seed = values.seed === undefined ? 1 : count(values, 'seed');
      if (existsSync(file)) throw new UsageError(`${file} already exists; generate writes a new database`);
      mkdirSync(dirname(file), { recursive: true });
      const core = new ParkCore(file, { user: 'generate' });
      const started = Date.now();
      try {
        let lastPct = -1;
        generate(core.context(), counts, (done, total) => {
          const pct = Math.floor((done / total) * 100);
          if (pct !== lastPct) process.stderr.write(`\rgenerating… ${pct}% (${done}/${total})`);
          lastPct = pct;
        }, seed);
        core.db.exec('ANALYZE');
      } finally {
        core.close();
      }
      process.stderr.write(`\ngenerated ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    case 'import': {
      const file = positionals[0];
      if (!file) throw new UsageError('import needs a FILE (.xlsx or .csv)');
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      const entity = oneOf(values.entity ?? 'enterprises', ['enterprises', 'leads', 'incubations'], '--entity');
      const mode = oneOf(values.mode ?? 'create', ['create', 'update', 'upsert'], '--mode');
      const core = openExisting(option(values, 'db'));
      try {
        await waitForWriteLock(core.db, locale, (line) => process.stderr.write(`parkpilot: ${line}\n`));
        const token = core.files.register(resolve(file), basename(file));
        const started = core.call('imports.start', { file: token, entity, mode, dryRun: !!values['dry-run'], ...(values.sheet ? { sheet: values.sheet as string } : {}) }, locale);
        const job = await waitWithProgress(core, started.id, 'importing');
        const report = job.result as ImportReport;
        if (values.rejected && report.rejected.length) {
          const out = await core.call('imports.rejectedFile', { key: report.batchId ?? `${token}:${!!values['dry-run']}` }, locale);
          if (out) {
            copyAtomically(core.files.get(out.token).path, values.rejected as string);
            core.files.release(out.token);
          }
        }
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped, rejected: report.rejected, dryRun: report.dryRun, batch: report.batchId, sheet: report.sheet, headerRow: report.headerRow, columns: report.columns, notImported: report.unmapped }, null, 2)}\n`);
        } else {
          process.stdout.write(`${report.dryRun ? 'dry run: ' : ''}${report.rows} rows — ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.rejected.length} rejected${report.batchId ? ` (batch ${report.batchId})` : ''}\n`);
          for (const r of report.rejected.slice(0, 20)) process.stdout.write(`  row ${r.row}: ${r.reasons.join('; ')}\n`);
          if (report.unmapped.length) process.stdout.write(`${locale === 'en' ? 'columns not imported' : '未导入的列'}: ${report.unmapped.join(locale === 'en' ? ', ' : '、')}\n`);
        }
      } finally {
        core.close();
      }
      return;
    }
    case 'import-revert': {
      const batch = positionals[0];
      if (!batch) throw new UsageError('import-revert needs the BATCH id that import printed');
      const core = openExisting(option(values, 'db'));
      try {
        await waitForWriteLock(core.db, locale, (line) => process.stderr.write(`parkpilot: ${line}\n`));
        const r = core.call('imports.revert', { batchId: batch }, locale);
        process.stdout.write(`reverted: ${r.deleted} created rows deleted, ${r.restored} updated rows restored\n`);
      } finally {
        core.close();
      }
      return;
    }
    case 'export': {
      const view = oneOf(option(values, 'view'), ['enterprises', 'leads', 'incubations', 'targets'], '--view');
      const asOf = values['as-of'] as string | undefined;
      if (asOf !== undefined && !/^\d{4}-\d\d-\d\d$/.test(asOf)) throw new UsageError('--as-of must be a date like 2020-12-31');
      const format = oneOf(option(values, 'format'), ['xlsx', 'csv'], '--format');
      const out = option(values, 'out');
      const core = openExisting(option(values, 'db'));
      try {
        const [sortCol, sortDir] = ((values.sort as string | undefined) ?? '').split(':');
        const started = core.call('exports.start', { view, format, ...(asOf && view === 'targets' ? { asOf } : {}), filterModel: filtersFromArgs((values.filter as string[] | undefined) ?? []), sortModel: sortCol ? [{ colId: sortCol, sort: sortDir === 'desc' ? 'desc' : 'asc' }] : [] }, locale);
        const job = await waitWithProgress(core, started.id, 'exporting');
        const result = job.result as { token: string; rows: number };
        copyAtomically(core.files.get(result.token).path, out);
        core.files.release(result.token);
        process.stderr.write(`exported ${result.rows} rows to ${out}\n`);
      } finally {
        core.close();
      }
      return;
    }
    case 'report': {
      const kind = oneOf(option(values, 'kind'), ['operations', 'torch'], '--kind');
      const format = oneOf(option(values, 'format'), ['pdf', 'xlsx'], '--format');
      const period = normalisePeriod(option(values, 'period'));
      if (!period) throw new UsageError(locale === 'en' ? '--period must look like 2020, 2020-Q4 or 2020-12' : '--period 应为年份、季度或月份，如 2020、2020-Q4（2020年第四季度）或 2020-12（2020年12月）');
      const asOf = values['as-of'] as string | undefined;
      if (asOf !== undefined && !/^\d{4}-\d\d-\d\d$/.test(asOf)) throw new UsageError('--as-of must be a date like 2020-12-31');
      const out = option(values, 'out');
      const core = openExisting(option(values, 'db'));
      try {
        const started = core.call('reports.start', { kind, format, period, language: locale, ...(asOf ? { asOf } : {}) }, locale);
        const job = await waitWithProgress(core, started.id, 'writing the report');
        const { token } = job.result as { token: string };
        copyAtomically(core.files.get(token).path, out);
        core.files.release(token);
        process.stderr.write(`report written to ${out}\n`);
      } finally {
        core.close();
        await closePrinter();
      }
      return;
    }
    case 'backup': {
      process.stdout.write(`${backupCommand(option(values, 'db'), values.out as string | undefined)}\n`);
      return;
    }
    case 'restore': {
      const source = positionals[0];
      if (!source) throw new UsageError('restore needs the backup FILE to put in place');
      if (!existsSync(source)) throw new UsageError(`${source}: no such file`);
      const { kept } = restoreCommand(source, option(values, 'db'));
      process.stderr.write(`restored ${source} to ${values.db as string}${kept ? `; the previous file is kept as ${kept}` : ''}\n`);
      return;
    }
    case 'check': {
      const report = checkCommand(option(values, 'db'));
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheck(report, locale)}\n`);
      if (!report.ok) process.exitCode = 1;
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}" (try: parkpilot help)`);
  }
}

// A reader that stops early (`parkpilot stats … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** `--filter status=在孵`, `--filter entry_date=2019-01-01..2019-12-31`, `--filter name~数据` (contains). */
function filtersFromArgs(args: string[]): GridFilterModel {
  const model: GridFilterModel = {};
  for (const a of args) {
    const m = /^([a-z_0-9]+)(=|~)(.*)$/.exec(a);
    if (!m) throw new UsageError(`--filter ${a}: write COLUMN=VALUE, COLUMN~TEXT or COLUMN=FROM..TO`);
    const [, col = '', op, value = ''] = m;
    const range = /^(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)$/.exec(value);
    model[col] = range
      ? { filterType: 'date', type: 'inRange', dateFrom: range[1], dateTo: range[2] }
      : { filterType: 'text', type: op === '~' ? 'contains' : 'equals', filter: value };
  }
  return model;
}

/** Waits for a job, drawing its progress on stderr; a failed job becomes the command's error. */
async function waitWithProgress(core: ParkCore, id: string, label: string): Promise<JobState> {
  let last = -1;
  for (;;) {
    const s = core.jobs.status(id);
    const pct = Math.floor((s.done / Math.max(1, s.total)) * 100);
    if (pct !== last && process.stderr.isTTY) process.stderr.write(`\r${label}… ${pct}%`);
    last = pct;
    if (s.state === 'failed' || s.state === 'cancelled') throw new Error(s.error?.message ?? s.state);
    if (s.state === 'done') {
      if (process.stderr.isTTY) process.stderr.write('\r');
      return s;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message =
    err instanceof AppError ? formatMessage(err.code, err.params, locale)
    : isDatabaseDamage(err) ? formatMessage('database_corrupt', { detail: (err as Error).message }, locale)
    : err instanceof Error ? err.message : String(err);
  process.stderr.write(`parkpilot: ${message.split('\n')[0]}\n`);
  process.exit(err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
