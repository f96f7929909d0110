import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, futureDayIssues, refExists } from '../entity';
import { usccIssue, withNormalizedUscc } from '../fields';
import { gridView } from '../registry/derive';
import { inputShape } from '../registry/field';
import { enterpriseRegistry } from './fields';
import { readHandler, slice } from '../handler';
import { incubationStatusIssue } from '../incubation/status';
import { enterpriseWithUscc } from './uscc-holder';

export const enterpriseFields = inputShape(enterpriseRegistry);

const baseView = gridView(enterpriseRegistry, { from: 'enterprises e', alias: 'e', fts: { field: 'name', table: 'enterprises_fts' } });

/** Segment columns of the enterprise grid: status × kind (migration 0010_grid_indexes keys an index per sort column below). */
const SEGMENT_COLUMNS = ['status', 'kind'] as const;
/** Sortable columns without a segment index: their order does not follow the segments (see the migration). */
const UNSEGMENTED_SORTS = ['name', 'industry', 'building', 'updated_at'];

/** Text columns with few distinct values and an index (enterprises_building, 0015's enterprises_unit): see GridColumn.fewValues. */
const FEW_VALUES = ['building', 'unit'];

export const enterprisesView = {
  ...baseView,
  columns: Object.fromEntries(Object.entries(baseView.columns).map(([id, c]) => [id, FEW_VALUES.includes(id) ? { ...c, fewValues: true } : c])),
  segments: {
    columns: SEGMENT_COLUMNS,
    optIn: 'length(e.kind) >= 0',
    indexes: Object.fromEntries([
      ['', 'enterprises_seg'],
      ...Object.entries(baseView.columns)
        .filter(([id, c]) => c.sortable && !UNSEGMENTED_SORTS.includes(id))
        .map(([id]) => [id, (SEGMENT_COLUMNS as readonly string[]).includes(id) ? 'enterprises_seg' : `enterprises_seg_${id}`]),
    ]),
  },
};

const entity = entityHandlers({
  table: 'enterprises',
  fields: enterpriseFields,
  prepare: withNormalizedUscc,
  rules: (ctx, row, id, before) => {
    const issues: FieldIssue[] = [];
    const bad = usccIssue(row);
    if (bad) issues.push(bad);
    else if (typeof row.uscc === 'string') {
      const other = enterpriseWithUscc(ctx.db, row.uscc, id);
      if (other) issues.push({ field: 'uscc', code: 'uscc_taken', params: { name: other.name } });
    }
    if (row.entry_date && row.exit_date && String(row.exit_date) < String(row.entry_date)) issues.push({ field: 'exit_date', code: 'date_order' });
    // An entry or exit not yet happened would be on record in the grid but not in the Overview's count of the
    // park today (it counts entries up to the day): the two would disagree. A move-in still to come is a lead.
    issues.push(...futureDayIssues(ctx, row, before, ['entry_date', 'exit_date']));
    const incubation = incubationStatusIssue(ctx.db, row, id);
    if (incubation) issues.push(incubation);
    if (!refExists(ctx, 'industries', row.industry)) issues.push({ field: 'industry', code: 'unknown_reference', params: { detail: String(row.industry) } });
    return issues;
  },
  view: enterprisesView,
});

export const enterprisesHandlers = slice('enterprises', {
  ...entity,
  /** The kinds/statuses summary the Overview and `stats` show. */
  summary: readHandler(z.strictObject({}), (ctx) => ({
      total: (ctx.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n,
      byStatus: ctx.db.prepare('SELECT status AS key, count(*) AS n FROM enterprises WHERE deleted = 0 GROUP BY status').all() as { key: string; n: number }[],
      byKind: ctx.db.prepare('SELECT kind AS key, count(*) AS n FROM enterprises WHERE deleted = 0 GROUP BY kind').all() as { key: string; n: number }[],
      byIndustry: ctx.db.prepare('SELECT coalesce(industry, \'\') AS key, count(*) AS n FROM enterprises WHERE deleted = 0 GROUP BY industry ORDER BY n DESC').all() as { key: string; n: number }[],
  })),
});
