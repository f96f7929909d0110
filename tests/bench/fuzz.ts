/**
 * `npm run bench:fuzz` — the long fuzz run (issue 12 §3, §4): the suite's properties over thousands of
 * fresh cases each, plus thousands of malformed requests to a running web shell. Prints, per
 * property, cases run, failures (with fast-check's counterexample), time, the slowest case and the
 * peak resident memory. FUZZ_SCALE multiplies the case counts (default 1); FUZZ_SEED fixes the seed;
 * FUZZ_ONLY=text runs only the properties whose name contains it; FUZZ_KEEP=1 keeps the files.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../src/core/errors';
import { excel } from '../../src/core/imports/exceljs-utf8';
import { startServer } from '../../src/server/http';
import { csvBytes, csvCase, csvRoundTrip, damagedBytes, freshCore, importRoster, readOrRefuse, rosterRows, xlsxRoundTrip, xlsxRows, type CsvEncoding } from '../unit/fuzz-files';
import { rawRequest, requestArbitrary } from '../unit/http-fuzz';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const DIR = mkdtempSync(join(tmpdir(), 'parkpilot-fuzz-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

const report: string[] = [];
let failures = 0;

/** Runs one property with timing per case; a case slower than `hangMs` counts as a hang (a failure). */
async function run<T>(name: string, arb: fc.Arbitrary<T>, cases: number, check: (value: T) => Promise<void>, hangMs = 20_000): Promise<void> {
  if (process.env.FUZZ_ONLY && !name.toLowerCase().includes(process.env.FUZZ_ONLY.toLowerCase())) return;
  peak = process.memoryUsage().rss;
  let slowest = 0;
  const started = performance.now();
  const result = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      const t = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer after ${hangMs} ms (a hang)`)), hangMs)));
      try {
        await Promise.race([check(value), hang]);
      } finally {
        clearTimeout(timer);
      }
      const ms = performance.now() - t;
      slowest = Math.max(slowest, ms);
      if (ms > hangMs) throw new Error(`a case took ${Math.round(ms)} ms`);
    }),
    { numRuns: Math.round(cases * SCALE), seed: SEED, endOnFailure: true },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.failed) failures++;
  report.push(`${name.padEnd(58)} ${String(result.numRuns).padStart(6)} cases  ${result.failed ? 'FAILED' : 'ok    '}  ${seconds.toFixed(1).padStart(6)} s  slowest ${slowest.toFixed(0).padStart(5)} ms  peak RSS ${(peak / 1048576).toFixed(0)} MB`);
  if (result.failed) report.push(`    counterexample: ${fc.stringify(result.counterexample).slice(0, 600)}\n    ${String(result.errorInstance).slice(0, 600)}`);
  process.stderr.write(`${report.at(-1)}\n`);
}

async function main(): Promise<void> {
  process.stderr.write(`fuzz seed ${SEED}, scale ${SCALE}\n`);
  const csv = join(DIR, 'fuzz.csv');
  await run('CSV: valid files, any encoding and line endings, read exactly', csvCase, 3000, (c) => csvRoundTrip(csv, c));
  await run('CSV: random or damaged bytes read or refused with a code', damagedBytes(csvCase.map(csvBytes)), 3000, async (bytes) => {
    writeFileSync(csv, bytes);
    const got = await readOrRefuse(csv, 'fuzz.csv');
    if (got instanceof AppError && !got.code.startsWith('import_')) throw new Error(`refused with ${got.code}`);
  });
  const xlsx = join(DIR, 'fuzz.xlsx');
  await run('XLSX: ParkPilot-written workbooks read back exactly', xlsxRows, 1000, (rows) => xlsxRoundTrip(xlsx, rows));
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['企业名称', '入驻日期', '备注']);
  for (let i = 0; i < 50; i++) ws.addRow([`企业${i}`, new Date(Date.UTC(2021, 0, 1 + i)), '演示'.repeat(i)]);
  const seed = Buffer.from(await wb.xlsx.writeBuffer());
  await run('XLSX: random or damaged bytes read or refused with a code', damagedBytes(fc.constant(seed)), 3000, async (bytes) => {
    writeFileSync(xlsx, bytes);
    const got = await readOrRefuse(xlsx, 'fuzz.xlsx');
    if (got instanceof AppError && !got.code.startsWith('import_')) throw new Error(`refused with ${got.code}`);
  });
  let n = 0;
  const encodings = fc.constantFrom<CsvEncoding>('utf-8', 'utf-8-bom', 'gb18030', 'utf-16le', 'utf-16be');
  await run('Importer: every row created exactly or rejected with a reason', fc.tuple(rosterRows, encodings), 1000, async ([rows, encoding]) => {
    const file = join(DIR, `db-${++n}.db`);
    const core = freshCore(file);
    try {
      await importRoster(core, join(DIR, 'roster.csv'), rows, encoding);
    } finally {
      core.close();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    }
  });
  // The web shell: thousands of malformed requests, each answered (below 500), the server still up.
  const renderer = join(DIR, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<html><head></head><body>app</body></html>');
  const core = freshCore(join(DIR, 'web.db'));
  const server = await startServer({ core, rendererDir: renderer, maxUpload: 1024 * 1024 });
  const port = Number(new URL(server.url).port);
  const statuses = new Map<number, number>();
  await run('Web shell: malformed requests answered (< 500), server up', requestArbitrary(`127.0.0.1:${port}`, server.token), 5000, async (request) => {
    const a = await rawRequest(port, Buffer.from(request, 'latin1'), 10_000);
    if (a.status === null || a.status >= 500) throw new Error(`answered ${a.status}`);
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  });
  const alive = await rawRequest(port, `POST /api/meta.info HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-ParkPilot-Token: ${server.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  report.push(`    web shell statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ')}; still up afterwards: ${alive.status === 200}`);
  if (alive.status !== 200) failures++;
  await server.close();
  core.close();
}

main()
  .catch((err: unknown) => {
    failures++;
    report.push(`crashed: ${err instanceof Error ? err.stack : String(err)}`);
  })
  .finally(() => {
    clearInterval(sampler);
    // A failing case's file is the last one written (no shrinking): kept for a look when asked.
    if (process.env.FUZZ_KEEP) process.stdout.write(`files kept in ${DIR}\n`);
    else rmSync(DIR, { recursive: true, force: true });
    process.stdout.write(`\nParkPilot fuzz (seed ${SEED}, scale ${SCALE})\n${report.join('\n')}\n${failures ? `${failures} FAILED` : 'all properties held'}\n`);
    process.exit(failures ? 1 : 0);
  });
