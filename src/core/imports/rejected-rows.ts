import { closeSync, createReadStream, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CellProblem, type Cell } from './source';

/**
 * An import's rejected rows (row number, reasons, original cells) kept in a file as JSON lines, for
 * the correction workbook, instead of in memory: a long file with many bad rows keeps memory flat.
 * The cells are stored as the workbook writes them: a date as its day (YYYY-MM-DD), an empty cell
 * (a hole of an .xlsx row) as null, anything else as it is (a CellProblem as its kind and text).
 */
export class RejectedRows {
  private fd: number | null;
  private buffer: string[] = [];
  private size = 0;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'w', 0o600);
  }

  add(row: number, cells: Cell[], reasons: string[]): void {
    const line = JSON.stringify([row, reasons, Array.from(cells, (c) => (c instanceof Date ? c.toISOString().slice(0, 10) : (c ?? null)))]);
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 256 * 1024) this.flush();
  }

  private flush(): void {
    if (this.fd === null || !this.buffer.length) return;
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  remove(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
  }

  async *read(): AsyncGenerator<{ row: number; reasons: string[]; cells: unknown[] }> {
    if (!existsSync(this.path)) return;
    const lines = createInterface({ input: createReadStream(this.path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const [row, reasons, cells] = JSON.parse(line) as [number, string[], unknown[]];
      // The only objects stored are CellProblems (as their kind and text): they come back as themselves.
      yield { row, reasons, cells: cells.map((c) => (c !== null && typeof c === 'object' ? new CellProblem((c as CellProblem).kind, (c as CellProblem).text) : c)) };
    }
  }
}
