import * as XLSX from '@e965/xlsx';
import { readFileSync } from 'node:fs';
import { AppError } from '../errors';
import { CellProblem, LIMITS, type Cell } from './source';

/**
 * Legacy Excel 97–2003 workbooks (.xls, BIFF8/BIFF5) read with SheetJS. Many offices' systems also
 * save HTML or tab-separated tables under an .xls name; SheetJS reads those too. Date cells are
 * recognised by their number format and turned into UTC midnights from the serial number, so no
 * time zone can shift a day. Rows keep their spreadsheet numbers (row 1 is index 0).
 */
export function readXls(path: string, options: { sheet?: string } = {}): { sheets: string[]; sheet: string; rows: Cell[][] } {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(readFileSync(path), { type: 'buffer', dense: true, cellNF: true, cellDates: false, cellHTML: false, cellFormula: false, sheetRows: LIMITS.rows + 1 });
  } catch (err) {
    throw new AppError('import_format', { detail: `.xls: ${err instanceof Error ? err.message : String(err)}` });
  }
  const sheets = workbook.SheetNames;
  const chosen = options.sheet ?? sheets[0];
  if (!chosen || !sheets.includes(chosen)) throw new AppError('import_sheet', { detail: options.sheet ?? '' });
  const sheet = workbook.Sheets[chosen] as XLSX.WorkSheet & { '!data'?: XLSX.CellObject[][] };
  const data = sheet['!data'] ?? [];
  if (data.length > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
  const rows: Cell[][] = [];
  for (let r = 0; r < data.length; r++) {
    const source = data[r] ?? [];
    const row: Cell[] = [];
    for (let c = 0; c < source.length; c++) row.push(cellValue(source[c]));
    rows.push(row);
  }
  return { sheets, sheet: chosen, rows };
}

const SSF = XLSX.SSF as { is_date(format: string): boolean; parse_date_code(serial: number): { y: number; m: number; d: number } | null };

function cellValue(cell: XLSX.CellObject | undefined): Cell {
  if (!cell) return null;
  switch (cell.t) {
    case 'n': {
      const v = cell.v as number;
      const format = typeof cell.z === 'string' ? cell.z : '';
      if (format && SSF.is_date(format)) {
        const d = SSF.parse_date_code(v);
        if (d) return new Date(Date.UTC(d.y, d.m - 1, d.d));
      }
      return v;
    }
    case 's':
      return String(cell.v ?? '');
    case 'b':
      return Boolean(cell.v);
    case 'd':
      return cell.v instanceof Date ? cell.v : null;
    case 'e':
      // An error value (#N/A, #DIV/0!): the importer rejects its row rather than read it as blank.
      return new CellProblem('error', typeof cell.w === 'string' ? cell.w : '#N/A');
    default:
      return null; // stubs
  }
}
