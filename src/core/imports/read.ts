import type ExcelJS from 'exceljs';
import { excel } from './exceljs-utf8';
import { parse } from 'csv-parse';
import { closeSync, createReadStream, openSync, readSync, statSync, type ReadStream } from 'node:fs';
import { checkZip, sheetRowEstimate, zipEntries, type ZipEntry } from './zip';
import { Transform } from 'node:stream';
import { AppError } from '../errors';
import { readXls } from './xls';

/**
 * Spreadsheets as a stream of rows of raw cells, so a big file is never held in memory whole: the
 * importer handles each row as it arrives. CSV: UTF-8 (with or without BOM) when the whole file
 * decodes strictly, otherwise GB18030 (a superset of GBK). XLSX: streamed sheet by sheet, dates as
 * Date. Legacy .xls: see xls.ts (those files are small: 65,536 rows at most).
 * Limits refuse absurd files and zip bombs before anything is expanded.
 */
export type Cell = string | number | boolean | Date | null;

/** One spreadsheet row: its 1-based row number as the spreadsheet shows it, and its cells. */
export interface SourceRow {
  row: number;
  cells: Cell[];
}

export interface TableSource {
  rows: AsyncIterable<SourceRow>;
  /** The workbook's sheets; complete once `rows` has been read to the end. */
  readonly sheets: string[];
  /** The sheet being read (known once its first row arrives). */
  readonly sheet: string;
  readonly encoding?: 'utf-8' | 'gb18030';
  /** Share of the file read so far, 0–1, for progress. */
  readonly fraction: number;
}

export const LIMITS = { fileBytes: 200 * 1024 * 1024, rows: 1_000_000 };

export function fileKind(name: string): 'csv' | 'xlsx' | 'xls' | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'txt' ? 'csv' : ext === 'xlsx' ? 'xlsx' : ext === 'xls' ? 'xls' : null;
}

/** `signal` stops the file's reading at once (an .xlsx may take seconds to reach its first row). */
export async function openTable(path: string, name: string, options: { sheet?: string; signal?: AbortSignal } = {}): Promise<TableSource> {
  const kind = fileKind(name);
  const size = statSync(path).size;
  if (size > LIMITS.fileBytes) throw new AppError('import_too_large', { detail: `${Math.round(size / 1048576)} MB` });
  if (kind === 'csv') return openCsv(path, size, options.signal);
  if (kind === 'xlsx') {
    const entries = zipEntries(path, size);
    checkZip(entries);
    return openXlsx(path, size, entries, options.sheet, options.signal);
  }
  if (kind === 'xls') return openXls(path, options.sheet);
  throw new AppError('import_format', { detail: name });
}

/** True when the chunks, taken as one byte stream, are strict UTF-8 (a character may span chunks). */
function isUtf8Stream(chunks: Iterable<Uint8Array>): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const chunk of chunks) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Reads a file in 1 MB chunks synchronously: for the encoding check, which keeps nothing. */
function* fileChunks(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) yield buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, counted into `state.bytes` as they pass (for progress). */
function counted(path: string, state: { bytes: number }, signal: AbortSignal | undefined): { input: ReadStream; bytes: Transform } {
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  const bytes = new Transform({
    transform: (chunk: Buffer, _enc, done) => {
      state.bytes += chunk.length;
      done(null, chunk);
    },
  });
  input.on('error', (err) => bytes.destroy(err));
  // Ending the stream early (rather than failing it) is what every reader downstream handles: the
  // rows simply stop, and the importer, seeing the signal, rolls back.
  signal?.addEventListener('abort', () => {
    input.unpipe(bytes);
    input.destroy();
    bytes.end();
  }, { once: true });
  return { input, bytes: input.pipe(bytes) };
}

function openCsv(path: string, size: number, signal: AbortSignal | undefined): TableSource {
  const encoding = isUtf8Stream(fileChunks(path)) ? 'utf-8' : 'gb18030';
  const state = { bytes: 0 };
  async function* rows(): AsyncGenerator<SourceRow> {
    const { input, bytes } = counted(path, state, signal);
    const decoder = new TextDecoder(encoding); // drops a UTF-8 BOM
    const decode = new Transform({
      transform: (chunk: Buffer, _enc, done) => done(null, decoder.decode(chunk, { stream: true })),
      flush: (done) => done(null, decoder.decode()),
    });
    const parser = parse({ relax_column_count: true, skip_empty_lines: false });
    bytes.on('error', (err) => parser.destroy(err));
    bytes.pipe(decode).pipe(parser);
    let row = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (++row > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
        yield { row, cells: record };
      }
    } finally {
      input.destroy();
    }
  }
  return { rows: rows(), sheets: ['CSV'], sheet: 'CSV', encoding, get fraction() { return size ? state.bytes / size : 1; } };
}

/**
 * Progress of an .xlsx is by rows, not bytes: exceljs copies a sheet that comes before the shared
 * strings (as Excel, LibreOffice and exceljs itself write them) to a temporary file, so the whole
 * zip is read before the first row arrives. The row count comes from the sheet's head (zip.ts).
 */
function openXlsx(path: string, size: number, entries: ZipEntry[], wanted: string | undefined, signal: AbortSignal | undefined): TableSource {
  const state = { bytes: 0, sheets: [] as string[], sheet: '', row: 0, rows: null as number | null };
  async function* rows(): AsyncGenerator<SourceRow> {
    const { input, bytes } = counted(path, state, signal);
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
  async function* rows(): AsyncGenerator<SourceRow> {
    for (let i = 0; i < table.rows.length; i++) {
      done = i + 1;
      yield { row: i + 1, cells: table.rows[i]! };
    }
  }
  return { rows: rows(), sheets: table.sheets, sheet: table.sheet, get fraction() { return table.rows.length ? done / table.rows.length : 1; } };
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return (v.result as Cell) ?? null; // a formula: take its cached value
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return String(v);
}
