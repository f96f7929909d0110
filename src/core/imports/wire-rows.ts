import type { WireCell } from './reader-worker';
import { CellProblem, type Cell, type SourceRow } from './source';

/**
 * The reader thread's rows as they travel: one JSON line `[row, cells]` each (see encodeRow in
 * reader-worker.ts), read back here on whichever thread takes them (the importer's, or the check thread).
 */
type EncodedCell = WireCell | { $d: number | 'NaN' } | { $z: 1 };

/** An .xlsx row's cells as the reader had them: nulls are the row's holes. */
export const xlsxCells = (encoded: EncodedCell[]): Cell[] => {
  const cells: Cell[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i];
    if (c === null || c === undefined) continue; // a hole stays a hole
    if (typeof c !== 'object' || c instanceof Date) cells[i] = c;
    else if ('$d' in c) cells[i] = new Date(c.$d === 'NaN' ? NaN : c.$d);
    else if ('$z' in c) cells[i] = -0;
    else cells[i] = new CellProblem(c.problem, c.text);
  }
  return cells;
};

/** One line's row; `typed` for an .xlsx (dates, -0 and problems encoded), CSV cells being plain text. */
export function decodeLine(line: string, typed: boolean): SourceRow {
  const [row, cells] = JSON.parse(line) as [number, EncodedCell[]];
  return { row, cells: typed ? xlsxCells(cells) : (cells as Cell[]) };
}

/** Each line of a batch (JSON text holds no raw line break, and no UTF-8 sequence a 0x0A byte), as a buffer and its bounds. */
export function* batchLines(lines: Uint8Array): Generator<[Buffer, number, number]> {
  const buffer = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  for (let start = 0; start < buffer.length; ) {
    let end = buffer.indexOf(10, start);
    if (end < 0) end = buffer.length;
    yield [buffer, start, end];
    start = end + 1;
  }
}
