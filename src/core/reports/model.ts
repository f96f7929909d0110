import type { ColumnKind } from '../exports/cells';

/**
 * A report as data: titled sections of key figures, tables and charts. The same model renders to
 * HTML (printed to PDF) and to a workbook with one sheet per section, so both say the same thing.
 */
export interface ReportColumn {
  key: string;
  header: string;
  kind: ColumnKind;
  /** Kept on one line in the PDF (numbers, dates and changes are never broken mid-token; see html.ts). */
  nowrap?: boolean;
}

export type Section =
  | { kind: 'figures'; title: string; figures: { label: string; value: string | number; note?: string }[] }
  | { kind: 'table'; title: string; columns: ReportColumn[]; rows: Record<string, unknown>[]; empty?: string; moneyDivisor?: number; /** Rows the PDF shows; the workbook has them all. */ pdfLimit?: number; more?: string; /** A line under the table (what is compared with what). */ note?: string }
  | { kind: 'chart'; title: string; svg: string; caption?: string; data?: { columns: ReportColumn[]; rows: Record<string, unknown>[] } }
  | { kind: 'text'; title: string; paragraphs: string[] };

export interface Report {
  title: string;
  subtitle: string;
  organisation: string;
  generatedAt: string;
  sections: Section[];
}

export interface Period {
  label: string;
  from: string;
  to: string;
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
const num = (s: string) => CN_DIGITS[s] ?? Number(s);

/**
 * A period as people type it, in its canonical form (2020, 2020-Q4, 2020-12), or null. Takes the
 * Chinese forms (2020年, 2020年度, 2020年第四季度, 2020年4季度, 2020年12月, 2020年十二月), the short
 * ones (2020Q4, 2020 Q4, 2020/12, 2020.12, 2020-1) and full-width digits (２０２０).
 */
export function normalisePeriod(text: string): string | null {
  const s = text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]/g, '').toUpperCase();
  let m = /^(\d{4})(?:年度?)?$/.exec(s);
  if (m) return m[1]!;
  m = /^(\d{4})(?:年度?|-)?(?:第?([1-4一二三四])季度?|Q([1-4]))$/.exec(s);
  if (m) return `${m[1]}-Q${num(m[2] ?? m[3]!)}`;
  m = /^(\d{4})(?:年|[-/.])(\d{1,2}|十[一二]?|[一二三四五六七八九])月?(?:份)?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
  if (m && num(m[2]!) >= 1 && num(m[2]!) <= 12) return `${m[1]}-${String(num(m[2]!)).padStart(2, '0')}`;
  return null;
}

/** 2020, 2020-Q4 or 2020-12 (or any form normalisePeriod takes) → the dates it spans. */
export function parsePeriod(input: string): Period | null {
  const text = normalisePeriod(input);
  if (!text) return null;
  let m = /^(\d{4})$/.exec(text);
  if (m) return { label: `${m[1]}年`, from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/i.exec(text);
  if (m) {
    const q = Number(m[2]);
    const endMonth = q * 3;
    const last = new Date(Date.UTC(Number(m[1]), endMonth, 0)).getUTCDate();
    return { label: `${m[1]}年第${q}季度`, from: `${m[1]}-${String(endMonth - 2).padStart(2, '0')}-01`, to: `${m[1]}-${String(endMonth).padStart(2, '0')}-${last}` };
  }
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
    return { label: `${m[1]}年${Number(m[2])}月`, from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${last}` };
  }
  return null;
}
