/**
 * The file benches' child process (files.ts starts it for each import and export, with the core
 * process's V8 flags): one import or export, its time, CPU and peak memory printed as JSON.
 *
 * It loads what the app's core process loads and nothing more of its own: the core process's entry
 * (src/core/process/entry.ts, which src/core/process/worker.ts serves) with all its modules, and none of
 * the bench's report, chart or Chromium modules, which added 35–40 MB to each import's peak before
 * (issue 14: the peak is the core process's, not the bench's).
 *
 * `npx tsx --max-semi-space-size=4 tests/bench/file-child.ts import-one FILE NAME` imports FILE (named
 * NAME) into .bench/files/import-NAME.db (delete it first); `export-one DB OUT` exports DB's enterprises.
 */
import '../../src/core/process/entry';
import { join, resolve } from 'node:path';
import { exportGrid } from '../../src/core/exports/grid';
import type { ImportReport } from '../../src/core/imports/importer';
import { readerThread } from '../../src/core/imports/worker-source';
import { seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { measured } from './measured';

const DIR = resolve('.bench/files');
/** The .xlsx export of every enterprise in this process (the parent runs it as a child). */
async function exportOne(db: string, out: string) {
  const source = new ParkCore(db, { user: 'bench' });
  const r = await measured(() => exportGrid(source.db, { view: 'enterprises', filterModel: {}, sortModel: [], format: 'xlsx' }, out, 'zh-CN'));
  source.close();
  console.log(JSON.stringify({ ms: r.ms, peakMb: r.peakMb, created: 0, rejected: 0 }));
}

/** One import in this process (the parent runs it as a child): prints its time and peak memory as JSON. */
async function importOne(file: string, name: string) {
  // CHECK_THREAD=0: rows checked in the importer's own thread, as before the check thread (for A/B runs).
  readerThread.checkRows = process.env.CHECK_THREAD !== '0';
  const target = new ParkCore(join(DIR, `import-${name}.db`), { user: 'bench' });
  seedReference(target.context());
  const cpu0 = process.cpuUsage();
  const r = await measured(async () => {
    const job = target.call('imports.start', { file: target.files.register(file, name), entity: 'enterprises', mode: 'create', dryRun: false });
    const done = await target.jobs.wait(job.id);
    if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
    return done.result as ImportReport;
  });
  const cpu = process.cpuUsage(cpu0);
  target.close();
  console.log(JSON.stringify({ ms: r.ms, cpuMs: (cpu.user + cpu.system) / 1000, peakMb: r.peakMb, created: r.value.created, rejected: r.value.rejected.length }));
}

if (process.argv[2] === 'import-one') void importOne(process.argv[3]!, process.argv[4]!);
else if (process.argv[2] === 'export-one') void exportOne(process.argv[3]!, process.argv[4]!);
else throw new Error('usage: file-child.ts import-one FILE NAME | export-one DB OUT');
