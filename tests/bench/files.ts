/**
 * `npm run bench` (second part) — spreadsheets and reports at 100,000 rows, each beside a reference run
 * on the same machine: import of an .xlsx and of the same rows as .csv (time, peak memory) against
 * sqlite3 loading the same rows into the same indexed schema and LibreOffice reading the same .xlsx;
 * the peak memory of a 1,000,000-row import (flat with file length); export to .xlsx against
 * LibreOffice converting the same CSV; the operations report to PDF. Each target of issue 14 is
 * recorded with `recordTarget` (one table with the other bench scripts: tests/bench/summary.ts) and
 * printed at the end. BENCH_FILE_ROWS (default 100,000) and BENCH_FILE_ROWS_LONG (999,999 and the header; 0 skips
 * it) size the files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportGrid } from '../../src/core/exports/grid';
import { loadCharts } from '../../src/core/reports/charts';
import { parsePeriod } from '../../src/core/reports/model';
import { operationsReport } from '../../src/core/reports/operations';
import { reportHtml } from '../../src/core/reports/html';
import { generate, seedReference } from '../../src/core/seed/seed';
import { CORE_V8_FLAGS } from '../../src/core/process/v8-flags';
import { ParkCore } from '../../src/core/service';
import { closePrinter, preparePrinter, printPdf } from '../../src/server/pdf';
import { pdfFontsNote } from './pdf-fonts';
import { bundleChild } from './core-build';
import { writeRoster } from './long-roster';
import { measured } from './measured';
import { recordTarget, type TargetResult } from './results';

const ROWS = Number(process.env.BENCH_FILE_ROWS ?? 100_000);
// The longest file an import takes: 1,000,000 records in all (LIMITS.rows), the header row included.
const LONG_ROWS = Number(process.env.BENCH_FILE_ROWS_LONG ?? 999_999);
const MEMORY_MB = 300;
const DIR = resolve('.bench/files');
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });

const now = () => performance.now();
const lines: string[] = [];
const row = (what: string, ms: number, note = '') => lines.push(`${what.padEnd(70)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${note}`);

function timed(cmd: string, args: string[]): number {
  const t = now();
  execFileSync(cmd, args, { stdio: 'ignore', timeout: 600_000 });
  return now() - t;
}

async function main() {
  // A park of ROWS enterprises to export from.
  const source = new ParkCore(join(DIR, 'source.db'), { user: 'bench' });
  generate(source.context(), { enterprises: ROWS, leads: 1_000, activities: 0 });
  const csv = join(DIR, 'enterprises.csv');
  const xlsx = join(DIR, 'enterprises.xlsx');
  const req = { view: 'enterprises' as const, filterModel: {}, sortModel: [] };

  // In a fresh process, as the imports below: its peak memory is the export's own.
  source.db.pragma('wal_checkpoint(TRUNCATE)');
  const exp = childRun(['export-one', join(DIR, 'source.db'), xlsx]);
  await exportGrid(source.db, { ...req, format: 'csv' }, csv, 'zh-CN');
  let office = NaN;
  if (existsSync('/usr/bin/soffice')) office = timed('soffice', ['--headless', '--convert-to', 'xlsx', '--outdir', join(DIR, 'office'), csv]);
  row(`export ${ROWS.toLocaleString()} rows → .xlsx (streamed)`, exp.ms, `peak ${exp.peakMb} MB, ${(statSync(xlsx).size / 1048576).toFixed(1)} MB file`);
  row('  reference: LibreOffice converting the same CSV to .xlsx', office, Number.isNaN(office) ? 'soffice not installed' : `ParkPilot ${(exp.ms / office).toFixed(2)}× (target ≤ 0.5×)`);

  // Imports into empty databases, through the same call the app makes (validation, dedupe, change
  // log), each in a fresh process so its peak memory is its own and not what generating and
  // exporting left behind.
  const imported: Record<string, ReturnType<typeof importInChild>> = {};
  for (const [file, name] of [[csv, 'enterprises.csv'], [xlsx, 'enterprises.xlsx']] as const) {
    const r = importInChild(file, name);
    imported[name] = r;
    row(`import ${name} (${ROWS.toLocaleString()} rows)`, r.ms, `${Math.round(ROWS / (r.ms / 1000)).toLocaleString()} rows/s, CPU ${cpuText(r)}, peak ${r.peakMb} MB, created ${r.created}, rejected ${r.rejected}`);
  }
  let officeRead = NaN;
  if (existsSync('/usr/bin/soffice')) officeRead = timed('soffice', ['--headless', '--convert-to', 'csv', '--outdir', join(DIR, 'office-read'), xlsx]);
  row('  reference: LibreOffice reading the same .xlsx (converting it to CSV)', officeRead, '');
  rmSync(join(DIR, 'sqlite-import.db'), { force: true });
  const sq = timed('sqlite3', [join(DIR, 'sqlite-import.db'), '.mode csv', `.import ${csv} enterprises`]);
  row('  reference: sqlite3 .import of the same CSV (no validation)', sq, '');
  // A second reference that does the same storage work: the same rows, as the table stores them, into
  // the enterprises table of an empty ParkPilot database (STRICT columns, every index),
  // without validation, change log or search index. They go in as INSERT statements in one
  // transaction, since .import would store empty cells as '' where the table keeps NULL.
  const raw = join(DIR, 'enterprises-raw.sql');
  // The stored columns only (table_info leaves out generated ones, which an INSERT may not name).
  const stored = execFileSync('sqlite3', [join(DIR, 'source.db'), "SELECT group_concat(name, ', ') FROM pragma_table_info('enterprises')"], { encoding: 'utf8' }).trim();
  execFileSync('sqlite3', [join(DIR, 'source.db'), '.mode insert enterprises', `.once ${raw}`, `SELECT ${stored} FROM enterprises`]);
  const same = new ParkCore(join(DIR, 'sqlite-same-schema.db'), { user: 'bench' });
  seedReference(same.context());
  same.close();
  const sqSame = timed('sqlite3', [join(DIR, 'sqlite-same-schema.db'), 'PRAGMA cache_size = -65536', 'PRAGMA temp_store = MEMORY', 'BEGIN', `.read ${raw}`, 'COMMIT']);
  row('  reference: sqlite3 loading the same rows into the same indexed schema', sqSame, 'same pragmas as the app');
  // The floor for any loader that keeps the app's schema: the same rows into the table without its
  // secondary indexes, then every index built once (what a bulk import does at best).
  const floorDb = join(DIR, 'sqlite-floor.db');
  const floor = new ParkCore(floorDb, { user: 'bench' });
  seedReference(floor.context());
  const indexes = floor.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'enterprises' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const ix of indexes) floor.db.exec(`DROP INDEX ${ix.name}`);
  floor.close();
  const pragmas = ['PRAGMA cache_size = -65536', 'PRAGMA temp_store = MEMORY'];
  const load = timed('sqlite3', [floorDb, ...pragmas, 'BEGIN', `.read ${raw}`, 'COMMIT']);
  const build = timed('sqlite3', [floorDb, ...pragmas, 'BEGIN', ...indexes.map((ix) => ix.sql), 'COMMIT']);
  row('  reference: sqlite3, same rows into the bare table, then its indexes', load + build, `rows ${(load / 1000).toFixed(2)} s + ${indexes.length} indexes ${(build / 1000).toFixed(2)} s`);
  // Peak memory flat with file length: a file ten times as long, imported the same way.
  let long: { rows: number; csv?: ReturnType<typeof importInChild>; xlsx?: ReturnType<typeof importInChild> } = { rows: LONG_ROWS };
  if (LONG_ROWS > 0) {
    const longCsv = join(DIR, 'long.csv');
    const longXlsx = join(DIR, 'long.xlsx');
    await writeRoster(longCsv, longXlsx, LONG_ROWS);
    long = { rows: LONG_ROWS, csv: importInChild(longCsv, 'long.csv'), xlsx: importInChild(longXlsx, 'long.xlsx') };
    for (const kind of ['csv', 'xlsx'] as const) {
      const r = long[kind]!;
      row(`import long.${kind} (${LONG_ROWS.toLocaleString()} rows)`, r.ms, `${Math.round(LONG_ROWS / (r.ms / 1000)).toLocaleString()} rows/s, peak ${r.peakMb} MB, created ${r.created}, rejected ${r.rejected}`);
    }
  }

  // The operations report to PDF, on the demo-sized park of this bench, as the report job makes it
  // (reports/handlers.ts): the printer starts beside the report's queries and charts.
  const rep = await measured(async () => {
    preparePrinter();
    await loadCharts();
    const report = operationsReport(source.db, parsePeriod('2020')!, '2020-12-31', 'zh-CN', '2026-11-21');
    return printPdf(reportHtml(report), { headerTitle: report.title });
  });
  row(`operations report → PDF (${ROWS.toLocaleString()} enterprises)`, rep.ms, `${(rep.value.length / 1024).toFixed(0)} KB, ${pdfFontsNote(rep.value)}, target ≤ 3 s ${rep.ms <= 3000 ? '✓' : 'OVER'}`);
  await closePrinter();
  source.close();

  const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`\nParkPilot file benchmark — ${ROWS.toLocaleString()} rows (2 shared cores, load average ${loadAverage}; compare with the reference lines, run on the same machine)`);
  for (const l of lines) console.log(l);

  // The targets of issue 14, each a ratio to a reference measured above, plus the absolute figures.
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = `${ROWS.toLocaleString()} rows`;
  const c = imported['enterprises.csv']!;
  const x = imported['enterprises.xlsx']!;
  const targets: TargetResult[] = [
    { target: `CSV import, ${rows}`, figure: `${s(c.ms)} (${(c.ms / sqSame).toFixed(2)}×; CPU ${cpuText(c)})`, reference: `sqlite3, same rows into the same indexed schema ${s(sqSame)}`, goal: '≤ 1.5× sqlite3', pass: c.ms <= 1.5 * sqSame },
    { target: `.xlsx import, ${rows}`, figure: `${s(x.ms)} (${(x.ms / officeRead).toFixed(2)}×; CPU ${cpuText(x)})`, reference: `LibreOffice converting the same .xlsx to CSV ${s(officeRead)}`, goal: '≤ 2× LibreOffice', pass: x.ms <= 2 * officeRead },
    { target: `import peak memory, ${rows}`, figure: `CSV ${c.peakMb} MB, .xlsx ${x.peakMb} MB`, reference: '', goal: `≤ ${MEMORY_MB} MB`, pass: Math.max(c.peakMb, x.peakMb) <= MEMORY_MB },
    ...(long.csv && long.xlsx
      ? [{ target: `import peak memory, ${LONG_ROWS.toLocaleString()} rows`, figure: `CSV ${long.csv.peakMb} MB, .xlsx ${long.xlsx.peakMb} MB`, reference: `${rows}: CSV ${c.peakMb} MB, .xlsx ${x.peakMb} MB`, goal: `flat with file length, ≤ ${MEMORY_MB} MB`, pass: Math.max(long.csv.peakMb, long.xlsx.peakMb) <= MEMORY_MB }]
      : []),
    { target: `.xlsx export, ${rows}`, figure: `${s(exp.ms)} (${(exp.ms / office).toFixed(2)}×), peak ${exp.peakMb} MB`, reference: `LibreOffice converting the same CSV to .xlsx ${s(office)}`, goal: `≤ ½ LibreOffice, peak ≤ ${MEMORY_MB} MB`, pass: exp.ms <= office / 2 && exp.peakMb <= MEMORY_MB },
  ];
  console.log('');
  for (const t of targets) {
    recordTarget(t);
    console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.figure}; ${t.reference || 'absolute'}; goal ${t.goal}`);
  }
}

/** An import's CPU time (every thread of its process: the main one and the file reader), as wall time is noisy on a loaded machine. */
const cpuText = (r: { cpuMs?: number }) => (r.cpuMs === undefined ? '?' : `${(r.cpuMs / 1000).toFixed(2)} s`);

let child: string[] | null = null;

function childRun(args: string[]): { ms: number; peakMb: number; created: number; rejected: number; cpuMs?: number } {
  // With the V8 flags the app's core process starts with (v8-flags.ts), in file-child.ts: a process
  // that loads the app's core process's modules and nothing of this bench's (the report, Chromium's
  // driver), bundled as the app runs them (core-build.ts). BENCH_TSX=1: under tsx, as before.
  child ??= process.env.BENCH_TSX === '1' ? [...process.execArgv, join(__dirname, 'file-child.ts')] : [bundleChild(join(__dirname, 'file-child.ts'))];
  const out = execFileSync(process.execPath, [...CORE_V8_FLAGS, ...child, ...args], { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; peakMb: number; created: number; rejected: number };
}

const importInChild = (file: string, name: string) => childRun(['import-one', file, name]);

void main();
