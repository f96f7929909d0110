import type ExcelJS from 'exceljs';
import { CELL_MARK, excel } from './exceljs-utf8';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { checkZip, inspectZip, sheetRowEstimate, zipEntries, type ZipEntry } from './zip';
import { AppError } from '../errors';
import { countedStream, openCsv } from './csv';
import { CellProblem, LIMITS, type Cell, type TableSource } from './source';
import { readXls } from './xls';

/**
 * Spreadsheets as a stream of rows of raw cells, so a big file is never held in memory whole: the
 * importer handles each row as it arrives. CSV: see csv.ts. XLSX: streamed sheet by sheet, dates as
 * Date. Legacy .xls: see xls.ts (those files are small: 65,536 rows at most). A file is read as what
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
    return openXlsx(path, size, entries, options.sheet, options.signal);
  }
  return openXls(path, options.sheet);
}

/**
 * Progress of an .xlsx is by rows, not bytes: exceljs copies a sheet that comes before the shared
 * strings (as Excel, LibreOffice and exceljs itself write them) to a temporary file, so the whole
 * zip is read before the first row arrives. The row count comes from the sheet's head (zip.ts).
 */
function openXlsx(path: string, size: number, entries: ZipEntry[], wanted: string | undefined, signal: AbortSignal | undefined): TableSource {
  const state = { bytes: 0, sheets: [] as string[], sheet: '', row: 0, rows: null as number | null };
  async function* rows(): AsyncGenerator<{ row: number; cells: Cell[] }> {
    const { input, bytes } = countedStream(path, state, signal);
    const reader = new (excel().stream.xlsx.WorkbookReader)(bytes, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    try {
      for await (const worksheet of reader) {
        const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string; id: string };
        state.sheets.push(ws.name);
        const take = !state.sheet && (!wanted || wanted === ws.name);
        if (take) {
          state.sheet = ws.name;
          const entry = entries.find((e) => e.name === `xl/worksheets/sheet${ws.id}.xml`);
          state.rows = entry ? sheetRowEstimate(path, entry) : null;
        }
        for await (const row of ws) {
          if (!take) continue;
          if (row.number > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
          state.row = row.number;
          yield { row: row.number, cells: (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue) };
        }
      }
    } catch (err) {
      // exceljs fails on malformed XML or a damaged zip with its own errors: name the file's problem.
      if (err instanceof AppError) throw err;
      throw new AppError('import_format', { detail: `.xlsx: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    } finally {
      input.destroy();
    }
    if (!state.sheet) throw new AppError('import_sheet', { detail: wanted ?? '' });
  }
  return {
    rows: rows(),
    get sheets() { return state.sheets; },
    get sheet() { return state.sheet; },
    // Without a row count, the file's bytes read are the best there is.
    get fraction() { return state.rows ? Math.min(1, state.row / state.rows) : size ? Math.min(1, state.bytes / size) : 1; },
  };
}

function openXls(path: string, wanted: string | undefined): TableSource {
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

/** An ISO date cell's text (`2021-03-01`, `2021-03-01T08:30:00`, with or without a zone) as a Date. */
function isoDate(text: string): Cell {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  if (!m) return new CellProblem('date', text);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : new CellProblem('date', text);
}

/** A cell's text with the adapter's marker (see exceljs-utf8.ts) read back as what it stands for. */
function markedText(text: string): Cell {
  if (text.startsWith(CELL_MARK.date)) return isoDate(text.slice(CELL_MARK.date.length));
  if (text.startsWith(CELL_MARK.error)) return new CellProblem('error', text.slice(CELL_MARK.error.length));
  return text;
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? markedText(v) : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : new CellProblem('error', '#NUM!');
  if (v instanceof Date || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      // A formula: its cached value is what the file says the cell shows. Without one (written by a
      // program that does not calculate), there is no value to import.
      const result = (v as { result?: unknown }).result;
      if (result === undefined || result === null) return new CellProblem('formula', `=${(v as { formula?: string }).formula ?? ''}`);
      return typeof result === 'object' && !(result instanceof Date) ? new CellProblem('error', String((result as { error?: string }).error ?? '#VALUE!')) : cellValue(result as ExcelJS.CellValue);
    }
    if ('error' in v) return new CellProblem('error', String(v.error));
    if ('text' in v) return String(v.text);
  }
  return String(v);
}
