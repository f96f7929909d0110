import { z } from 'zod';
import { writeXlsx } from '../exports/xlsx';
import { backupBefore } from '../backup/engine';
import { handler, readHandler, slice } from '../handler';
import { runImport, revertImport, type ImportReport } from './importer';
import { openTable, type Cell } from './read';
import { writeTemplate } from './template';
import { RejectedRows } from './rejected-rows';

/**
 * Rejected rows of finished imports (original cells + reasons), for the correction workbook: in a
 * file of this process's private folder, so a long file's rejected rows do not stay in memory.
 */
const rejectedCells = new Map<string, { header: Cell[]; rows: RejectedRows; name: string }>();

const importInput = z.strictObject({
  file: z.uuid(),
  entity: z.enum(['enterprises', 'leads', 'incubations']).default('enterprises'),
  mode: z.enum(['create', 'update', 'upsert']).default('create'),
  dryRun: z.boolean().default(true),
  sheet: z.string().max(100).optional(),
  headerRow: z.number().int().min(1).max(30).optional(),
  mapping: z.record(z.string().regex(/^\d{1,3}$/), z.string().max(40)).optional(),
  overrides: z.record(z.string().regex(/^\d{1,7}$/), z.enum(['create', 'update', 'skip'])).optional(),
});

export const importHandlers = slice('imports', {
  /** Reads and applies a spreadsheet as a job (a dry run unless dryRun is false). */
  start: handler(importInput, (ctx, input) => {
    const file = ctx.files.get(input.file);
    return ctx.jobs.start('import', ctx.locale, async ({ progress, signal }) => {
      if (!input.dryRun) backupBefore(ctx.db, 'import'); // a verified copy first; no backup, no import
      const source = await openTable(file.path, file.name, { sheet: input.sheet, signal });
      const rejected = new RejectedRows(ctx.files.outputPath('rejected.ndjson'));
      let report: ImportReport;
      try {
        report = await runImport(ctx, source, {
          entity: input.entity, mode: input.mode, dryRun: input.dryRun, fileName: file.name, headerRow: input.headerRow,
          mapping: input.mapping && Object.fromEntries(Object.entries(input.mapping).map(([k, v]) => [Number(k), v])),
          overrides: input.overrides && Object.fromEntries(Object.entries(input.overrides).map(([k, v]) => [Number(k), v])),
          locale: ctx.locale, signal, onProgress: progress, onRejected: (row, cells, reasons) => rejected.add(row, cells, reasons), scratchPath: ctx.files.outputPath('seen.db'),
        });
        rejected.close();
      } catch (err) {
        rejected.remove();
        throw err;
      }
      const key = report.batchId ?? `${input.file}:${input.dryRun}`;
      rejectedCells.get(key)?.rows.remove();
      rejectedCells.set(key, { name: file.name, header: report.columns.map((c) => c.header), rows: rejected });
      if (rejectedCells.size > 20) {
        const oldest = rejectedCells.keys().next().value!;
        rejectedCells.get(oldest)!.rows.remove();
        rejectedCells.delete(oldest);
      }
      return report;
    });
  }),
  /** The rejected rows as an .xlsx with a reason column, to correct and import again. */
  rejectedFile: handler(z.strictObject({ key: z.string().max(100) }), async (ctx, { key }) => {
    const r = rejectedCells.get(key);
    // An .xlsx row's cells are a sparse array (empty cells are holes): read them with Array.from,
    // which visits every index, never with map, whose holes broke Object.fromEntries.
    if (!r) return null;
    const path = ctx.files.outputPath(`${r.name.replace(/\.[^.]+$/, '')}-未导入行.xlsx`);
    const header = r.header.map((h, i) => ({ key: String(i), header: String(h ?? ''), kind: 'text' as const }));
    await writeXlsx(path, [{
      name: ctx.locale === 'en' ? 'Rejected rows' : '未导入行',
      columns: [{ key: 'row', header: ctx.locale === 'en' ? 'Row' : '原行号', kind: 'number' }, ...header, { key: 'reason', header: ctx.locale === 'en' ? 'Reasons' : '原因', kind: 'text' }],
      rows: (async function* () {
        for await (const x of r.rows.read()) yield { row: x.row, reason: x.reasons.join('；'), ...Object.fromEntries(x.cells.map((c, i) => [String(i), c])) };
      })(),
    }]);
    return { token: ctx.files.register(path), name: path.split(/[\\/]/).pop()! };
  }),
  /** An .xlsx with the headers the importer knows for the entity and one example row. */
  template: readHandler(z.strictObject({ entity: z.enum(['enterprises', 'leads', 'incubations']) }), async (ctx, { entity }) => {
    const names = { enterprises: ['企业', 'enterprises'], leads: ['招商线索', 'leads'], incubations: ['孵化', 'incubations'] }[entity];
    const path = ctx.files.outputPath(ctx.locale === 'en' ? `ParkPilot-import-template-${names[1]}.xlsx` : `导入模板-${names[0]}.xlsx`);
    await writeTemplate(ctx.db, entity, path, ctx.locale);
    return { token: ctx.files.register(path), name: path.split(/[\\/]/).pop()! };
  }),
  revert: handler(z.strictObject({ batchId: z.uuid() }), (ctx, { batchId }) => {
    const batch = ctx.db.prepare('SELECT reverted_at FROM import_batches WHERE id = ?').get(batchId) as { reverted_at: string | null } | undefined;
    if (batch && !batch.reverted_at) backupBefore(ctx.db, 'revert'); // (refusals below need no backup)
    return revertImport(ctx, batchId);
  }),
  batches: readHandler(z.strictObject({}), (ctx) => ctx.db.prepare('SELECT * FROM import_batches ORDER BY imported_at DESC LIMIT 100').all() as Record<string, unknown>[]),
});
