import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, formatMessage, type Locale } from '../core/errors';
import { generate, seedDemo } from '../core/seed/seed';
import { ParkCore } from '../core/service';
import { startServer } from '../server/http';
import { defaultDatabase } from './paths';

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
  help                                           this text`;

const locale: Locale = (process.env.LANG ?? '').startsWith('zh') ? 'zh-CN' : 'en';

class UsageError extends Error {}

function option(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

function count(values: Record<string, string | boolean | undefined>, name: string, required = true): number {
  const raw = values[name];
  if (raw === undefined && !required) return 0;
  const n = Number(option(values, name));
  if (!Number.isInteger(n) || n < 0 || n > 50_000_000) throw new UsageError(`--${name} must be a whole number between 0 and 50000000`);
  return n;
}

function openExisting(file: string): ParkCore {
  if (!existsSync(file)) throw new UsageError(`${file}: no such database (create one with: parkpilot demo --db ${file})`);
  return new ParkCore(file, { create: false, user: process.env.USER ?? 'cli' });
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
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' },
      'as-of': { type: 'string' }, force: { type: 'boolean' }, enterprises: { type: 'string' }, leads: { type: 'string' },
      activities: { type: 'string' }, seed: { type: 'string' }, 'demo-if-missing': { type: 'boolean' },
    },
  });
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
      const core = openExisting(file);
      const server = await startServer({ core, rendererDir: join(__dirname, '../renderer'), host: (values.host as string | undefined) ?? '127.0.0.1', port });
      process.stdout.write(`ParkPilot web shell: ${server.url}  (database: ${file})\n`);
      const stop = () => void server.close().then(() => (core.close(), process.exit(0)));
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
        else {
          process.stdout.write(`as of ${s.asOf}\nenterprises ${s.enterprises.total}  incubations ${s.incubations.total}  leads ${s.leads.total}  activities ${s.activities.total}\n`);
          for (const t of s.targets) {
            const range = t.max == null ? `≥ ${t.min ?? 0}` : `${t.min ?? 0}–${t.max}`;
            process.stdout.write(`  [${t.status}] ${t.name}: ${t.value} ${t.unit} (target ${range} by ${t.deadline}; projected ${t.projection})\n`);
          }
        }
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

main(process.argv.slice(2)).catch((err: unknown) => {
  const message =
    err instanceof AppError ? formatMessage(err.code, err.params, locale) : err instanceof Error ? err.message : String(err);
  process.stderr.write(`parkpilot: ${message.split('\n')[0]}\n`);
  process.exit(err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
