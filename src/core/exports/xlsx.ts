import { excel } from '../imports/exceljs-utf8';
import { displayWidth, moneyValue, neutralise, type OutColumn } from './cells';

export interface SheetSpec {
  name: string;
  columns: OutColumn[];
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;
  /** Yuan per displayed money unit: 10,000 for 万元 (default), 1,000 for 千元. */
  moneyDivisor?: number;
  title?: string;
}

const MONEY_FORMAT: Record<number, string> = { 10_000: '#,##0.00"万元"', 1_000: '#,##0.0"千元"', 1: '#,##0"元"' };

/**
 * Writes sheets with the streaming writer (a whole-workbook build takes over a gigabyte at 100k rows):
 * bold frozen header, widths that fit Chinese text (measured on the header and the first rows),
 * numbers as numbers, money in 万元 with its format, dates as real dates, formula-like text defused.
 */
export async function writeXlsx(path: string, sheets: SheetSpec[], onRow?: (n: number) => void): Promise<void> {
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ filename: path, useStyles: true, useSharedStrings: false });
  let n = 0;
  for (const spec of sheets) {
    const divisor = spec.moneyDivisor ?? 10_000;
    const toCells = (record: Record<string, unknown>) =>
      spec.columns.map((c) => {
        const v = record[c.key];
        if (v === null || v === undefined || v === '') return null;
        if (c.kind === 'money') return moneyValue(v, divisor);
        if (c.kind === 'number') {
          const n = typeof v === 'number' ? v : Number(v);
          // A number column may hold words or a day in some rows (a milestone's value is the day it was
          // done, or 未完成): those are written as the text the PDF shows, never as a NaN number cell.
          return Number.isFinite(n) ? n : neutralise(String(v));
        }
        if (c.kind === 'date') return typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v) ? new Date(`${v.slice(0, 10)}T00:00:00Z`) : null;
        return neutralise(String(v));
      });
    // A streamed sheet fixes its column widths when the first row is written: measure a first batch.
    const iterator = (spec.rows as AsyncIterable<Record<string, unknown>>)[Symbol.asyncIterator]?.() ?? toAsync(spec.rows as Iterable<Record<string, unknown>>);
    const first: (number | string | Date | null)[][] = [];
    let next = await iterator.next();
    while (!next.done && first.length < 500) {
      first.push(toCells(next.value));
      next = await iterator.next();
    }
    const widths = spec.columns.map((c, i) =>
      Math.min(60, Math.max(8, displayWidth(c.header) + 2, ...first.map((r) => (c.kind === 'date' ? 12 : displayWidth(r[i] === null || r[i] === undefined ? '' : String(r[i])) + 2)))),
    );
    const ws = workbook.addWorksheet(spec.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: spec.title ? 2 : 1 }] });
    const styles = spec.columns.map((c) =>
      c.kind === 'money' ? { numFmt: MONEY_FORMAT[divisor] ?? '#,##0.00' } : c.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : c.kind === 'number' ? { numFmt: '#,##0.##' } : {},
    );
    ws.columns = spec.columns.map((c, i) => ({ key: c.key, width: widths[i], style: styles[i] }));
    if (spec.title) {
      const t = ws.addRow([spec.title]);
      t.font = { bold: true, size: 13 };
      t.commit();
    }
    const header = ws.addRow(spec.columns.map((c) => preserved(neutralise(c.header))));
    header.font = { bold: true };
    header.commit();
    // Each cell gets its column's style object itself: exceljs caches a style's id by object, and
    // the copy it makes per cell would otherwise be rendered to XML once per cell (a third of the time).
    const write = (cells: (number | string | Date | null)[]) => {
      const row = ws.addRow(cells.map(preserved));
      row.eachCell((cell, col) => (cell.style = styles[col - 1]!));
      row.commit();
      if (++n % 5000 === 0) onRow?.(n);
    };
    first.forEach(write);
    while (!next.done) {
      write(toCells(next.value));
      next = await iterator.next();
      // Rows come from a synchronous source: without a real yield the whole export would run as one
      // task, and neither its progress nor any other call would be answered until it ends.
      if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    ws.commit();
  }
  await workbook.commit();
}

/**
 * Text that begins or ends with whitespace, or holds a line break, as a one-run rich text: exceljs then
 * writes it with xml:space="preserve", without which Excel and LibreOffice drop the spaces.
 */
function preserved<T>(cell: T): T | { richText: { text: string }[] } {
  return typeof cell === 'string' && /^\s|\s$|\n/.test(cell) ? { richText: [{ text: cell }] } : cell;
}

async function* toAsyncGen<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function toAsync<T>(items: Iterable<T>): AsyncIterator<T> {
  return toAsyncGen(items);
}
