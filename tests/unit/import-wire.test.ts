import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/core/imports/read';
import { CellProblem, type SourceRow } from '../../src/core/imports/source';
import { readerThread } from '../../src/core/imports/worker-source';
import { c, inline, row, xlsxFile } from './hostile-files';

/**
 * Rows cross from the reader thread as JSON lines (reader-worker.ts encodeRow, worker-source.ts
 * decodeRows): every kind of cell must read back as the reader made it, on a thread as in this one.
 */
const dir = mkdtempSync(join(tmpdir(), 'import-wire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(path: string, name: string, minBytes: number): Promise<SourceRow[]> {
  const saved = readerThread.minBytes;
  readerThread.minBytes = minBytes;
  try {
    const table = await openTable(path, name);
    const out: SourceRow[] = [];
    for await (const r of table.rows) out.push(r);
    return out;
  } finally {
    readerThread.minBytes = saved;
  }
}

describe('rows from the reader thread', () => {
  it('.xlsx: holes stay holes; dates (valid or not), -0, booleans, text with line breaks and problems read back as they were', async () => {
    const path = join(dir, 'cells.xlsx');
    xlsxFile(path, [
      row(1, [inline('A1', '名称'), inline('C1', '第二\n行 "引号" \\ 反斜杠 \u2028')]),
      row(2, [c('A2', '<v>43831</v>', { s: '1' }), c('B2', '<v>x</v>', { s: '1' }), c('D2', '<v>-0</v>'), c('E2', '<v>1</v>', { t: 'b' })]),
      row(3, [c('B3', '<v>#N/A</v>', { t: 'e' }), c('C3', '<f>1+1</f>'), c('D3', '<v>2020-02-30</v>', { t: 'd' })]),
      row(4, []),
    ]);
    for (const minBytes of [0, 1 << 30]) {
      const rows = await rowsOf(path, 'cells.xlsx', minBytes);
      expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
      const [one, two, three, four] = rows.map((r) => r.cells);
      expect(one!.length).toBe(3);
      expect(1 in one!).toBe(false); // a hole, not null
      expect(one![2]).toBe('第二\n行 "引号" \\ 反斜杠 \u2028');
      expect(2 in two!).toBe(false);
      expect((two![0] as Date).toISOString()).toBe('2020-01-01T00:00:00.000Z');
      expect(two![1]).toBeInstanceOf(Date);
      expect(Number.isNaN((two![1] as Date).getTime())).toBe(true);
      expect(Object.is(two![3], -0)).toBe(true);
      expect(two![4]).toBe(true);
      expect(three![1]).toEqual(new CellProblem('error', '#N/A'));
      expect(three![2]).toEqual(new CellProblem('formula', '=1+1'));
      expect(three![3]).toEqual(new CellProblem('date', '2020-02-30'));
      expect(0 in three!).toBe(false);
      expect(four).toEqual([]);
    }
  });

  it('CSV: strings as they were, on a thread and in this one', async () => {
    const path = join(dir, 'cells.csv');
    writeFileSync(path, '名称,备注\r\n"甲,乙","多\n行 ""引号"" \\"\r\n,\r\n');
    for (const minBytes of [0, 1 << 30]) {
      const rows = await rowsOf(path, 'cells.csv', minBytes);
      expect(rows).toEqual([
        { row: 1, cells: ['名称', '备注'] },
        { row: 2, cells: ['甲,乙', '多\n行 "引号" \\'] },
        { row: 3, cells: ['', ''] },
      ]);
    }
  });
});
