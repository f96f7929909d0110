import type ExcelJS from 'exceljs';
import { excel } from './exceljs-utf8';
import { parse } from 'csv-parse';
import { closeSync, openSync, readSync, statSync, readFileSync } from 'node:fs';
import { AppError } from '../errors';
import { readXls } from './xls';

/**
 * Reads a spreadsheet into rows of raw cells. Legacy .xls: see xls.ts. CSV: UTF-8 (with or without BOM) when it decodes
 * strictly, otherwise GB18030 (a superset of GBK). XLSX: streamed sheet by sheet, dates as Date.
 * Limits refuse absurd files and zip bombs before anything is expanded.
 */
export type Cell = string | number | boolean | Date | null;
export interface Table {
  sheets: string[];
  sheet: string;
  rows: Cell[][];
  encoding?: 'utf-8' | 'gb18030';
}

export const LIMITS = { fileBytes: 200 * 1024 * 1024, unzippedBytes: 1024 * 1024 * 1024, ratio: 200, rows: 1_000_000 };

export function fileKind(name: string): 'csv' | 'xlsx' | 'xls' | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'txt' ? 'csv' : ext === 'xlsx' ? 'xlsx' : ext === 'xls' ? 'xls' : null;
}

export function decodeCsv(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

export async function readTable(path: string, name: string, options: { sheet?: string; onProgress?: (rows: number) => void; signal?: AbortSignal } = {}): Promise<Table> {
  const kind = fileKind(name);
  const size = statSync(path).size;
  if (size > LIMITS.fileBytes) throw new AppError('import_too_large', { detail: `${Math.round(size / 1048576)} MB` });
  if (kind === 'csv') return readCsv(path, options);
  if (kind === 'xlsx') {
    checkZip(path, size);
    return readXlsx(path, options);
  }
  if (kind === 'xls') return readXls(path, options);
  throw new AppError('import_format', { detail: name });
}

async function readCsv(path: string, options: { onProgress?: (rows: number) => void; signal?: AbortSignal }): Promise<Table> {
  const { text, encoding } = decodeCsv(readFileSync(path));
  const rows: Cell[][] = [];
  const parser = parse({ relax_column_count: true, skip_empty_lines: false, bom: true });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('readable', () => {
      let record: string[] | null;
      while ((record = parser.read() as string[] | null) !== null) {
        rows.push(record);
        if (rows.length > LIMITS.rows) parser.destroy(new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` }));
        if (rows.length % 5000 === 0) options.onProgress?.(rows.length);
        if (options.signal?.aborted) parser.destroy(new AppError('cancelled'));
      }
    });
    parser.on('error', reject);
    parser.on('end', () => resolve());
  });
  parser.write(text);
  parser.end();
  await done;
  return { sheets: ['CSV'], sheet: 'CSV', rows, encoding };
}

async function readXlsx(path: string, options: { sheet?: string; onProgress?: (rows: number) => void; signal?: AbortSignal }): Promise<Table> {
  const reader = new (excel().stream.xlsx.WorkbookReader)(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  const sheets: string[] = [];
  let chosen: string | null = null;
  const rows: Cell[][] = [];
  for await (const worksheet of reader) {
    const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    sheets.push(ws.name);
    const take = chosen === null && (!options.sheet || options.sheet === ws.name);
    for await (const row of ws) {
      if (!take) continue;
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      while (rows.length < row.number - 1) rows.push([]); // keep spreadsheet row numbers
      rows.push(values.map(cellValue));
      if (rows.length % 5000 === 0) options.onProgress?.(rows.length);
      if (rows.length > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
      if (options.signal?.aborted) throw new AppError('cancelled');
    }
    if (take) chosen = ws.name;
  }
  if (chosen === null) throw new AppError('import_sheet', { detail: options.sheet ?? '' });
  return { sheets, sheet: chosen, rows };
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

/**
 * Reads the zip central directory (without expanding anything) and refuses archives whose declared
 * contents are absurdly large or compressed beyond any spreadsheet's ratio.
 */
export function checkZip(path: string, size: number): void {
  const fd = openSync(path, 'r');
  try {
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    readSync(fd, tail, 0, tailSize, size - tailSize);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new AppError('import_format', { detail: 'not a zip archive' });
    const entries = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset + dirSize > size) throw new AppError('import_format', { detail: 'damaged zip directory' });
    const dir = Buffer.alloc(dirSize);
    readSync(fd, dir, 0, dirSize, dirOffset);
    let total = 0;
    let p = 0;
    for (let i = 0; i < entries && p + 46 <= dir.length; i++) {
      const compressed = dir.readUInt32LE(p + 20);
      const uncompressed = dir.readUInt32LE(p + 24);
      total += uncompressed;
      if (uncompressed > 10_000_000 && compressed > 0 && uncompressed / compressed > LIMITS.ratio) throw new AppError('import_bomb');
      p += 46 + dir.readUInt16LE(p + 28) + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    }
    if (total > LIMITS.unzippedBytes) throw new AppError('import_bomb');
  } finally {
    closeSync(fd);
  }
}
