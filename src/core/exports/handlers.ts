import { handler, slice } from '../handler';
import { exportGrid, exportRequestSchema } from './grid';
import { localDay } from '../util/day';

export const exportHandlers = slice('exports', {
  /** A grid view's matching rows to .xlsx or .csv, as a job whose result is a file token. */
  start: handler(exportRequestSchema, (ctx, req) =>
    ctx.jobs.start('export', ctx.locale, async ({ progress }) => {
      const stamp = localDay();
      const path = ctx.files.outputPath(`ParkPilot-${req.view}-${stamp}.${req.format}`);
      // Its own connection: the export reads one snapshot while edits go on beside it.
      const reader = ctx.openReader();
      try {
        reader.exec('BEGIN'); // count and rows from the same snapshot
        const { rows } = await exportGrid(reader, req, path, ctx.locale, progress, ctx.today());
        return { token: ctx.files.register(path), name: path.split(/[\\/]/).pop()!, rows };
      } finally {
        reader.close();
      }
    }),
  ),
});
