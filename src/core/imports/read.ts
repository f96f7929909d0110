import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { checkZip, inspectZip, sheetRowEstimate, zipEntries } from './zip';
import { AppError } from '../errors';
import { openCsv } from './csv';
import { LIMITS, type Cell, type TableSource } from './source';
import { workerTable } from './worker-source';

/**
 * Spreadsheets as a stream of rows of raw cells, so a big file is never held in memory whole: the
 * importer handles each row as it arrives. CSV: see csv.ts. XLSX: the sheet streamed and parsed on a
 * reader thread (worker-source.ts, reader-worker.ts), dates as Date. Legacy .xls: see xls.ts (those
 * files are small: 65,536 rows at most; SheetJS is loaded only when one is opened). A file is read as what
 * its first bytes say it is (a workbook saved under a .csv name is a workbook). Limits refuse absurd
 * files, zip bombs and files over the row limit before any row is imported.
 */
export { CellProblem, LIMITS, type Cell, type SourceRow, type TableSource } from './source';

export function fileKind(name: string): 'csv' | 'xlsx' | 'xls' | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'txt' ? 'csv' : ext === 'xlsx' ? 'xlsx' : ext === 'xls' ? 'xls' : null;
}

/** What the file's first bytes say: a zip (an .xlsx), an OLE compound file (a legacy .xls), or neither. */
function sniff(path: string): 'zip' | 'ole' | null {
  const fd = openSync(path, 'r');
  try {
    const h = Buffer.alloc(8);
    readSync(fd, h, 0, 8, 0);
    if (h.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (h.toString('hex') === 'd0cf11e0a1b11ae1') return 'ole';
    return null;
  } finally {
    closeSync(fd);
  }
}

/** `signal` stops the file's reading at once (an .xlsx may take seconds to reach its first row). */
export async function openTable(path: string, name: string, options: { sheet?: string; signal?: AbortSignal } = {}): Promise<TableSource> {
  const named = fileKind(name);
  const size = statSync(path).size;
  if (size > LIMITS.fileBytes) throw new AppError('import_too_large', { detail: `${Math.round(size / 1048576)} MB` });
  if (!named) throw new AppError('import_format', { detail: name });
  const magic = sniff(path);
  // The content wins over the name for CSV (offices rename files); an .xlsx must be a zip.
  const kind = named === 'csv' && magic === 'zip' ? 'xlsx' : named === 'csv' && magic === 'ole' ? 'xls' : named;
  if (kind === 'csv') return openCsv(path, size, options.signal);
  if (kind === 'xlsx') {
    const entries = zipEntries(path, size);
    checkZip(entries);
    await inspectZip(path, entries, options.signal);
    // Progress is by rows: of the count the sheet's head declares or implies (zip.ts).
    return workerTable({ path, size, signal: options.signal, xlsx: { entries, sheet: options.sheet, rowEstimate: (id) => {
      const entry = entries.find((e) => e.name === `xl/worksheets/sheet${id}.xml`);
      return entry ? sheetRowEstimate(path, entry) : null;
    } } });
  }
  return openXls(path, options.sheet);
}

/**
 * SheetJS is loaded with the first .xls, not with the core: it is ~24 MB of the core process's resident
 * memory (16 MB of V8 heap; loaded alone under Node 20), which every .xlsx and CSV import carried for
 * nothing (issue 14, peak memory ≤ 300 MB): a 100,000-row .xlsx import peaked at 223 MB with it loaded,
 * 206 MB without (the bundled core, paired runs). The bundler makes xls.ts a chunk of its own.
 */
async function openXls(path: string, wanted: string | undefined): Promise<TableSource> {
  const { readXls } = await import('./xls');
  const table = readXls(path, { sheet: wanted });
  let done = 0;
  async function* rows(): AsyncGenerator<{ row: number; cells: Cell[] }> {
    for (let i = 0; i < table.rows.length; i++) {
      done = i + 1;
      yield { row: i + 1, cells: table.rows[i]! };
    }
  }
  return { rows: rows(), sheets: table.sheets, sheet: table.sheet, get fraction() { return table.rows.length ? done / table.rows.length : 1; } };
}
