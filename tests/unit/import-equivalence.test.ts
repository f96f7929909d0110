import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/core/imports/importer';
import { readerThread } from '../../src/core/imports/worker-source';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { testCore } from './helpers';
import { importDump } from './import-equivalence';

/**
 * The importer after the streaming/worker change does exactly the work the one before it did: for
 * the same fixed files (tests/fixtures/import-equivalence, a 2,500-row roster with blanks, bad rows
 * and duplicates, as CSV and as .xlsx from exceljs, SheetJS and LibreOffice), the same report, rows,
 * change log, search index, Overview aggregates, batch and correction workbook. The expected dumps
 * were written by the path before the change (UPDATE_GOLDEN=1 rewrites them: only ever on purpose).
 */
const DIR = resolve(__dirname, '../fixtures/import-equivalence');
// These files are small: read them on the reader thread all the same, as a long file is.
readerThread.minBytes = 0;
const GOLDEN = join(DIR, 'expected.json.gz');

async function runImport(core: ParkCore, file: string, options: { mode?: string; dryRun?: boolean } = {}) {
  const token = core.files.register(join(DIR, file), file);
  const input = { file: token, entity: 'enterprises', mode: 'create', dryRun: false, ...options };
  const job = core.call('imports.start', input as never);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  const report = done.result as ImportReport;
  const correction = (await core.call('imports.rejectedFile', { key: report.batchId ?? `${token}:${input.dryRun}` })) as { token: string } | null;
  let workbook: unknown[][] | null = null;
  if (correction) {
    const book = XLSX.read(readFileSync(core.files.get(correction.token).path), { cellDates: true });
    workbook = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]!]!, { header: 1, raw: true, defval: null });
  }
  return { report: { ...report, batchId: report.batchId ? 'batch' : null }, workbook };
}

function freshCore(): ParkCore {
  const core = testCore();
  seedReference(core.context());
  return core;
}

const scenarios: Record<string, () => Promise<unknown>> = {
  'csv create': async () => {
    const core = freshCore();
    const first = await runImport(core, 'roster.csv');
    return { first, dump: importDump(core) };
  },
  'csv dry run': async () => {
    const core = freshCore();
    const first = await runImport(core, 'roster.csv', { dryRun: true });
    return { first, dump: importDump(core) };
  },
  'csv create then upsert': async () => {
    const core = freshCore();
    const first = await runImport(core, 'roster.csv');
    const second = await runImport(core, 'roster-update.csv', { mode: 'upsert' });
    return { first, second, dump: importDump(core) };
  },
  'xlsx (exceljs) create': async () => {
    const core = freshCore();
    return { first: await runImport(core, 'roster-exceljs.xlsx'), dump: importDump(core) };
  },
  'xlsx (SheetJS) create': async () => {
    const core = freshCore();
    return { first: await runImport(core, 'roster-sheetjs.xlsx'), dump: importDump(core) };
  },
  'xlsx (LibreOffice) upsert over the csv': async () => {
    const core = freshCore();
    await runImport(core, 'roster.csv');
    return { first: await runImport(core, 'roster-libreoffice.xlsx', { mode: 'upsert' }), dump: importDump(core) };
  },
};

/**
 * Dates and other values as JSON text, so the stored expectation and a fresh run compare alike. The
 * reports are kept whole (a difference shows the row); the database dumps and correction workbooks,
 * tens of thousands of entries, as a count and a SHA-256 per section (the path before the change is
 * in git history, to diff against when one differs).
 */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const digest = (value: unknown) => {
  const text = JSON.stringify(value ?? null);
  return { entries: Array.isArray(value) ? value.length : null, sha256: createHash('sha256').update(text).digest('hex') };
};
function condensed(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain(result) as Record<string, Record<string, unknown>>)) {
    if (key === 'dump') out.dump = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digest(v)]));
    else out[key] = { report: value.report, workbook: digest(value.workbook) };
  }
  return out;
}

describe('imports do the same work as the path before the streaming change', () => {
  if (process.env.UPDATE_GOLDEN) {
    it('writes the expected dumps', async () => {
      const out: Record<string, unknown> = {};
      for (const [name, run] of Object.entries(scenarios)) out[name] = condensed((await run()) as Record<string, unknown>);
      writeFileSync(GOLDEN, gzipSync(JSON.stringify(out)));
    }, 300_000);
    return;
  }
  const expected = existsSync(GOLDEN) ? (JSON.parse(gunzipSync(readFileSync(GOLDEN)).toString('utf8')) as Record<string, Record<string, unknown>>) : {};
  for (const [name, run] of Object.entries(scenarios)) {
    it(name, async () => {
      const want = expected[name];
      expect(want, 'expected dump present').toBeDefined();
      const got = condensed((await run()) as Record<string, unknown>);
      // Section by section, so a difference names what differs.
      for (const key of Object.keys(want!)) expect(got[key], key).toEqual(want![key]);
      expect(Object.keys(got).sort()).toEqual(Object.keys(want!).sort());
    }, 120_000);
  }
});
