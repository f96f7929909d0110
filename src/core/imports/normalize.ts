import { FORMULA_LIKE } from '../exports/cells';
import { normalizeUscc, usccProblem } from '../util/uscc';
import type { Cell } from './source';
import type { ErrorCode } from '../errors';

/**
 * Turns what spreadsheets hold into stored values, or a reason it cannot. Each parser returns
 * `{ value }` or `{ problem }` with a reason code (see errors.ts) and its parameters.
 */
export type Parsed<T> = { value: T } | { problem: ErrorCode; params?: Record<string, string | number> };

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const FIRST_DAY = Date.UTC(1900, 0, 1);
const LAST_DAY = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function parseDate(cell: Cell): Parsed<string> {
  if (cell instanceof Date) {
    // Before 1900 is a negative or zero Excel serial (no spreadsheet date); beyond 9999 is no ISO date.
    const t = cell.getTime();
    if (Number.isNaN(t) || t < FIRST_DAY || t > LAST_DAY) return { problem: 'import_date', params: { value: Number.isNaN(t) ? String(cell) : cell.toISOString() } };
    return { value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    // An Excel serial day number (a date cell saved without its format, or read from CSV).
    if (cell < 1 || cell > 2_958_465 || !Number.isFinite(cell)) return { problem: 'import_date', params: { value: String(cell) } };
    return { value: new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000).toISOString().slice(0, 10) };
  }
  const s = halfWidth(String(cell ?? '')).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) {
    if (/^\d{5}(\.\d+)?$/.test(s)) return parseDate(Number(s));
    return { problem: 'import_date', params: { value: s } };
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return { problem: 'import_date_impossible', params: { value: s } };
  return { value: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

const UNIT_SUFFIX: [RegExp, number][] = [
  [/亿元?$/, 100_000_000],
  [/万元?$/, 10_000],
  [/千元$/, 1_000],
  [/元$/, 1],
];

/**
 * A number as people type it: thousands separators (1,234 / 1，234), spaces, and units. For money,
 * a unit in the cell (300万, 1.2亿元) wins over the column's unit; the result is whole yuan.
 */
export function parseNumber(cell: Cell, options: { money?: number; integer?: boolean } = {}): Parsed<number> {
  if (typeof cell === 'number') return finish(cell, options.money ?? 1, options);
  let s = halfWidth(String(cell ?? '')).trim().replace(/[,，\s]/g, '');
  let multiplier = options.money ?? 1;
  if (options.money) {
    for (const [re, m] of UNIT_SUFFIX) {
      if (re.test(s)) {
        s = s.replace(re, '');
        multiplier = m;
        break;
      }
    }
  }
  s = s.replace(/(㎡|平方米|m2|人|个|件|项|%)$/i, '');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) return { problem: 'import_number', params: { value: String(cell) } };
  return finish(Number(s), multiplier, options);
}

function finish(n: number, multiplier: number, options: { money?: number; integer?: boolean }): Parsed<number> {
  if (!Number.isFinite(n) || n < 0) return { problem: 'import_number', params: { value: String(n) } };
  const v = options.money ? Math.round(n * multiplier) : n;
  if (options.integer && !Number.isInteger(v)) return { problem: 'import_integer', params: { value: String(n) } };
  return { value: v };
}

/**
 * A credit code. A spreadsheet that treated the code as a number has already rounded away its last
 * digits (9.14404E+17), so such a value is refused with that explanation, never stored.
 */
export function parseUscc(cell: Cell): Parsed<string> {
  if (typeof cell === 'number') return { problem: 'import_uscc_number', params: { value: String(cell) } };
  const s = String(cell ?? '').trim();
  const code = normalizeUscc(s.replace(/^'/, ''));
  const problem = usccProblem(code);
  if (!problem) return { value: code }; // a valid code may contain "E" between digits: it is not a number
  if (/^\d+(\.\d+)?e\+?\d+$/i.test(s) || (/^\d{16,}$/.test(s) && s.length !== 18)) return { problem: 'import_uscc_number', params: { value: s } };
  return { problem: `uscc_${problem}`, params: { value: code } };
}

/** Text, with the apostrophe ParkPilot's exports put before formula-like text taken off again. */
export function parseText(cell: Cell): string {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const raw = String(cell ?? '');
  // Tested before trimming: "'\t" (a lone tab, neutralised) must not become "'".
  const lead = raw.trimStart();
  return lead.startsWith("'") && FORMULA_LIKE.test(lead.slice(1)) ? lead.slice(1).trim() : raw.trim();
}

/**
 * Full-width digits, letters and signs (１２３, ＡＢＣ, －, ．) as their ASCII forms, the way a Chinese
 * input method may type numbers and dates; CJK text is left as it is.
 */
export function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export const isBlank = (cell: Cell) => cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
