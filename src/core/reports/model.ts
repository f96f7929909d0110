import type { ColumnKind } from '../exports/cells';

/**
 * A report as data: titled sections of key figures, tables and charts. The same model renders to
 * HTML (printed to PDF) and to a workbook with one sheet per section, so both say the same thing.
 */
export interface ReportColumn {
  key: string;
  header: string;
  kind: ColumnKind;
}

export type Section =
  | { kind: 'figures'; title: string; figures: { label: string; value: string | number; note?: string }[] }
  | { kind: 'table'; title: string; columns: ReportColumn[]; rows: Record<string, unknown>[]; empty?: string; moneyDivisor?: number; /** Rows the PDF shows; the workbook has them all. */ pdfLimit?: number; more?: string }
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

/** 2020, 2020-Q4 or 2020-12 → the dates it spans. */
export function parsePeriod(text: string): Period | null {
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
