import { writeFileSync } from 'node:fs';
import { AppError } from '../errors';
import type { CoreContext } from '../handler';
import { writeXlsx, type SheetSpec } from '../exports/xlsx';
import { reportHtml } from './html';
import type { Report } from './model';

/** PDF through the shell's printer (Electron printToPDF, or the system Chromium). */
export async function writeReportPdf(ctx: CoreContext, report: Report, path: string): Promise<void> {
  if (!ctx.printPdf) throw new AppError('internal', { detail: 'no PDF printer in this shell' });
  writeFileSync(path, await ctx.printPdf(reportHtml(report, ctx.locale === 'en' ? 'en' : 'zh-CN'), { headerTitle: report.title }));
}

/** The same report as a workbook: one sheet per section (charts as their data). */
export async function writeReportXlsx(report: Report, path: string, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<void> {
  const en = locale === 'en';
  const sheets: SheetSpec[] = report.sections.map((s, i) => {
    const name = `${i + 1} ${s.title.replace(/^[一二三四五六七八九十]+、|^\d+\.\s*/, '')}`.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31);
    if (s.kind === 'figures') return { name, title: s.title, columns: [{ key: 'label', header: en ? 'Figure' : '指标', kind: 'text' }, { key: 'value', header: en ? 'Value' : '数值', kind: 'number' }], rows: s.figures.map((f) => ({ label: f.label, value: f.value })) };
    if (s.kind === 'table') return { name, title: s.title, columns: s.columns, rows: s.rows, moneyDivisor: s.moneyDivisor };
    if (s.kind === 'chart') return { name, title: s.title, columns: s.data?.columns ?? [{ key: 'caption', header: s.title, kind: 'text' }], rows: s.data?.rows ?? [{ caption: s.caption ?? '' }] };
    return { name, title: s.title, columns: [{ key: 'p', header: s.title, kind: 'text' }], rows: s.paragraphs.map((p) => ({ p })) };
  });
  await writeXlsx(path, [{ name: en ? 'Cover' : '封面', columns: [{ key: 'k', header: report.title, kind: 'text' }], rows: [{ k: report.subtitle }, { k: report.organisation }, { k: report.generatedAt }] }, ...sheets]);
}
