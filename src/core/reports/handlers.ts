import { z } from 'zod';
import { AppError } from '../errors';
import { isoDate } from '../fields';
import { handler, slice } from '../handler';
import { normalisePeriod, parsePeriod } from './model';
import { loadCharts } from './charts';
import { operationsReport } from './operations';
import { writeReportPdf, writeReportXlsx } from './output';
import { torchReport } from './torch';
import { PARK_NAME, readSetting } from '../settings/handlers';

export const reportHandlers = slice('reports', {
  /** Produces a report file as a job; the result is a file token. */
  start: handler(
    z.strictObject({
      kind: z.enum(['operations', 'torch']), period: z.string().max(30), asOf: isoDate.optional(), format: z.enum(['pdf', 'xlsx']),
      /** The report's language, chosen for the document (a Chinese office may file an English copy); default the caller's. */
      language: z.enum(['zh-CN', 'en']).optional(),
    }),
    (caller, input) => {
      const ctx = input.language ? { ...caller, locale: input.language } : caller;
      const canonical = normalisePeriod(input.period);
      const period = canonical ? parsePeriod(canonical) : null;
      if (!canonical || !period) throw new AppError('report_period', { value: input.period }, [{ field: 'period', code: 'report_period', params: { value: input.period } }]);
      input = { ...input, period: canonical };
      const asOf = input.asOf ?? (period.to < ctx.today() ? period.to : ctx.today());
      return ctx.jobs.start('report', ctx.locale, async ({ progress }) => {
        progress(0, 3);
        // The printer starts beside the report's queries and charts; what it prepared is released when the
        // job ends, so a build that fails leaves no page open.
        const release = input.format === 'pdf' ? ctx.preparePrinter?.() : undefined;
        try {
          await loadCharts();
          const report = input.kind === 'torch' ? torchReport(ctx.db, Number(input.period.slice(0, 4)), ctx.locale, ctx.today()) : operationsReport(ctx.db, period, asOf, ctx.locale, ctx.today());
          report.organisation = readSetting(ctx.db, PARK_NAME) ?? report.organisation; // the cover names the park
          progress(1, 3);
          const en = ctx.locale === 'en';
          const base = input.kind === 'torch' ? `${en ? 'Torch-return' : '火炬统计'}-${input.period.slice(0, 4)}` : `${en ? 'Park-operations-report' : '园区运营报告'}-${input.period}`;
          const path = ctx.files.outputPath(`${base}.${input.format}`);
          if (input.format === 'pdf') await writeReportPdf(ctx, report, path);
          else await writeReportXlsx(report, path, ctx.locale);
          progress(3, 3);
          return { token: ctx.files.register(path), name: path.split(/[\\/]/).pop()! };
        } finally {
          release?.();
        }
      });
    },
  ),
});
