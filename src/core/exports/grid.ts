import { z } from 'zod';
import type { Db } from '../db/open';
import { tables as dbTables } from '../db/tables';
import { enterprisesView } from '../enterprises/handlers';
import type { Locale } from '../errors';
import { GridRunner, gridRequestSchema, type GridView } from '../grid/query';
import { incubationsView } from '../incubation/handlers';
import { leadsView } from '../leads/handlers';
import { isoDate } from '../fields';
import { targetProgress, targetsView } from '../targets/handlers';
import type { OutColumn } from './cells';
import { writeCsv } from './csv';
import { exportColumns, labelMaps } from './views';
import { writeSheetXlsx } from './sheet-writer';
import { EXPORT_CACHE_KB, withPageCache } from '../imports/import-memory';
import { localDay } from '../util/day';

/** A grid view's matching rows — all of them, not just those loaded — to .xlsx or .csv. */
export const exportRequestSchema = z.strictObject({
  view: z.enum(['enterprises', 'leads', 'incubations', 'targets']),
  /** Targets only: the date their value, projection and status are computed for (default: today). */
  asOf: isoDate.optional(),
  filterModel: gridRequestSchema.shape.filterModel,
  sortModel: gridRequestSchema.shape.sortModel,
  /** The grid's visible columns in order, with the headers the user sees; default: the view's set. */
  columns: z.array(z.strictObject({ key: z.string().max(64), header: z.string().max(200) })).max(60).optional(),
  format: z.enum(['xlsx', 'csv']),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

const views: Record<ExportRequest['view'], GridView> = { enterprises: enterprisesView, leads: leadsView, incubations: incubationsView, targets: targetsView };
const tables = { enterprises: 'enterprises', leads: 'leads', incubations: 'incubations', targets: 'targets' } as const;

/** Targets carry their progress as of the chosen day beside the definition; other views are rows as stored. */
function progressColumns(db: Db, req: ExportRequest, today: string): ((r: Record<string, unknown>) => void) | null {
  if (req.view !== 'targets') return null;
  const progress = new Map(targetProgress(db, req.asOf ?? today).map((p) => [p.id, p]));
  return (r) => {
    const p = progress.get(r.id as string);
    if (!p) return;
    Object.assign(r, { baseline: p.baseline, value: p.value, percent_of_min: p.percent_of_min, projection: p.projection, status: p.status });
  };
}

export async function exportGrid(db: Db, req: ExportRequest, path: string, locale: Locale, onProgress: (done: number, total: number) => void = () => {}, today = localDay()): Promise<{ rows: number }> {
  const runner = new GridRunner(views[req.view]);
  const { page, count } = runner.sqlFor(db, { startRow: 0, endRow: 1_000_000_000, sortModel: req.sortModel, filterModel: req.filterModel });
  const total = (db.prepare(count.sql).get(...count.params) as { n: number }).n;
  const known = exportColumns[req.view];
  const chosen = req.columns?.length ? req.columns.map((c) => ({ spec: known.find((k) => k.key === c.key), header: c.header })).filter((c) => c.spec) : known.map((spec) => ({ spec, header: locale === 'en' ? spec.en : spec.zh }));
  const columns: OutColumn[] = chosen.map((c) => ({ key: c.spec!.key, header: c.header, kind: c.spec!.kind }));
  const labels = labelMaps(db, locale);
  const labelled = chosen.filter((c) => c.spec!.labels).map((c) => [c.spec!.key, labels[c.spec!.labels!]!] as const);
  const addProgress = progressColumns(db, req, today);
  // Only the exported JSON columns are decoded (decoding every row whole was a sixth of an export).
  const spec: Record<string, string> = dbTables[tables[req.view]].columns;
  const json = columns.filter((c) => spec[c.key] === 'json').map((c) => c.key);
  function* rows() {
    for (const r of db.prepare(page.sql).iterate(...page.params) as Iterable<Record<string, unknown>>) {
      for (const key of json) if (typeof r[key] === 'string') r[key] = JSON.parse(r[key] as string);
      addProgress?.(r);
      for (const [key, map] of labelled) if (typeof r[key] === 'string') r[key] = map.get(r[key] as string) ?? r[key];
      yield r;
    }
  }
  await withPageCache(db, EXPORT_CACHE_KB, async () => {
    const source = rows();
    try {
      if (req.format === 'csv') await writeCsv(path, columns, source, (n) => onProgress(n, total));
      else await writeSheetXlsx(path, { name: sheetName(req.view, locale), columns, rows: source }, (n) => onProgress(n, total));
    } finally {
      source.return(undefined); // a failed export's statement is reset, so the connection is free again
    }
  });
  return { rows: total };
}

const sheetName = (view: ExportRequest['view'], locale: Locale) =>
  locale === 'en' ? view[0]!.toUpperCase() + view.slice(1) : { enterprises: '企业', leads: '招商线索', incubations: '孵化', targets: '规划目标' }[view];
