import { z } from 'zod';
import { AppError } from '../errors';
import { isoDate } from '../fields';
import { handler, slice } from '../handler';
import { parsePeriod } from './model';
import { operationsReport } from './operations';
import { writeReportPdf, writeReportXlsx } from './output';
import { torchReport } from './torch';

export const reportHandlers = slice('reports', {
  /** Produces a report file as a job; the result is a file token. */
  start: handler(
    z.strictObject({ kind: z.enum(['operations', 'torch']), period: z.string().max(10), asOf: isoDate.optional(), format: z.enum(['pdf', 'xlsx']) }),
    (ctx, input) => {
      const period = parsePeriod(input.period);
      if (!period) throw new AppError('invalid_input', { detail: 'period' }, [{ field: 'period', code: 'invalid_input', params: { detail: '2020, 2020-Q4 or 2020-12' } }]);
      const asOf = input.asOf ?? (period.to < ctx.today() ? period.to : ctx.today());
      return ctx.jobs.start('report', ctx.locale, async ({ progress }) => {
        progress(0, 3);
        const report = input.kind === 'torch' ? torchReport(ctx.db, Number(input.period.slice(0, 4)), ctx.locale, ctx.today()) : operationsReport(ctx.db, period, asOf, ctx.locale, ctx.today());
        progress(1, 3);
        const base = input.kind === 'torch' ? `火炬统计-${input.period.slice(0, 4)}` : `园区运营报告-${input.period}`;
        const path = ctx.files.outputPath(`${base}.${input.format}`);
        if (input.format === 'pdf') await writeReportPdf(ctx, report, path);
        else await writeReportXlsx(report, path);
        progress(3, 3);
        return { token: ctx.files.register(path), name: path.split(/[\\/]/).pop()! };
      });
    },
  ),
});
