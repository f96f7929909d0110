/**
 * What every spreadsheet reader hands the importer (read.ts picks the reader; csv.ts, xlsx and xls.ts
 * are the readers). Kept apart from read.ts so the readers need not import the module that imports them.
 */
import type { CheckPlan, Checked } from './row-check';

/**
 * A cell the file holds but whose value cannot be trusted: a formula saved without its result, an
 * error value (#DIV/0!, #N/A), or a date the file writes in a form that is no date. The importer
 * rejects the row with the reason instead of storing a wrong value; `text` is what the user sees.
 */
export class CellProblem {
  constructor(
    /** `shared`: a cell that names a shared string the file does not hold (a damaged or hand-made file). */
    readonly kind: 'formula' | 'error' | 'date' | 'shared',
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}

export type Cell = string | number | boolean | Date | null | CellProblem;

/** One spreadsheet row: its 1-based row number as the spreadsheet shows it, and its cells. */
export interface SourceRow {
  row: number;
  cells: Cell[];
  /** The row already checked on the check thread (row-check.ts); absent, the importer checks it. */
  checked?: Checked;
}

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface TableSource {
  rows: AsyncIterable<SourceRow>;
  /** The workbook's sheets; complete once `rows` has been read to the end. */
  readonly sheets: string[];
  /** The sheet being read (known once its first row arrives). */
  readonly sheet: string;
  readonly encoding?: TextEncoding;
  /**
   * Starts the check thread (check-thread.ts) for this file's rows, when the file is worth it: `plan`
   * sends it the import's plan, once the header is known; `loading` says whether it loaded. Rows read
   * before then, or while the thread is not (yet) running, come unchecked.
   */
  checkOnThread?(): { plan: (plan: CheckPlan) => void; loading: Promise<boolean>; stop: () => void } | null;
  /** Share of the file read so far, 0–1, for progress. */
  readonly fraction: number;
}

/** A file over these is refused before its rows are imported (the row count is checked while reading). */
export const LIMITS = { fileBytes: 200 * 1024 * 1024, rows: 1_000_000 };
