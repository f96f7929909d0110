/**
 * Where the operations report → PDF of the files bench (tests/bench/files.ts) spends its time: each phase
 * on its own clock, wall, this process's CPU and Chromium's (process-tree-cpu.ts), on a park of BENCH_FILE_ROWS enterprises (default
 * 100,000; the database is made once under .bench/report-pdf and kept). The printer's Chromium is started
 * cold by the first report, as in the bench; a second report shows the warm figure. The printer starts
 * beside the report's build, as the report job starts it; BENCH_PDF_NO_PREPARE=1 starts it at the print.
 * `npx tsx tests/bench/report-pdf-phases.ts`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCharts } from '../../src/core/reports/charts';
import { reportHtml } from '../../src/core/reports/html';
import { parsePeriod } from '../../src/core/reports/model';
import { operationsReport } from '../../src/core/reports/operations';
import { generate } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { closePrinter, preparePrinter, printPdf } from '../../src/server/pdf';
import { pdfFontsNote } from './pdf-fonts';
import { descendantsCpuMs } from './process-tree-cpu';

const ROWS = Number(process.env.BENCH_FILE_ROWS ?? 100_000);
const DIR = resolve('.bench/report-pdf');

async function phase<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const chromium = descendantsCpuMs();
  const t = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  console.log(`${name.padEnd(40)} wall ${(performance.now() - t).toFixed(0).padStart(6)} ms   CPU ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms   Chromium CPU ${(descendantsCpuMs() - chromium).toFixed(0).padStart(6)} ms`);
  return value;
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `source-${ROWS}.db`);
  const fresh = !existsSync(file);
  const core = new ParkCore(file, { user: 'bench' });
  if (fresh) generate(core.context(), { enterprises: ROWS, leads: 1_000, activities: 0 });
  try {
    for (const round of ['first (cold printer)', 'second (warm printer)']) {
      console.log(`— ${round}`);
      const t = performance.now();
      const cpu = process.cpuUsage();
      const chromium = descendantsCpuMs();
      // As the report job does (reports/handlers.ts), unless BENCH_PDF_NO_PREPARE=1 (the A/B's old order).
      if (!process.env.BENCH_PDF_NO_PREPARE) preparePrinter();
      await phase('load ECharts', () => loadCharts());
      const report = await phase('build the report (SQL, chart SVGs)', () => operationsReport(core.db, parsePeriod('2020')!, '2020-12-31', 'zh-CN', '2026-11-21'));
      const html = await phase('report HTML', () => reportHtml(report));
      const pdf = await phase('print to PDF (Chromium)', () => printPdf(html, { headerTitle: report.title }));
      const used = process.cpuUsage(cpu);
      // The printer's start (browser and first page) runs in other processes beside the report's build: the
      // CPU of both processes together is what a quiet two-core machine would need, at best, in wall time.
      console.log(`${'total'.padEnd(40)} wall ${(performance.now() - t).toFixed(0).padStart(6)} ms   CPU ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms   Chromium CPU ${(descendantsCpuMs() - chromium).toFixed(0).padStart(6)} ms   (${(pdf.length / 1024).toFixed(0)} KB PDF, ${(html.length / 1024).toFixed(0)} KB HTML, ${pdfFontsNote(pdf)})`);
    }
  } finally {
    await closePrinter();
    core.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
