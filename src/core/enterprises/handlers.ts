import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, refExists } from '../entity';
import { count, enumOf, longText, optionalDate, requiredText, shortText, usccIssue, withNormalizedUscc, yuan } from '../fields';
import { readHandler, slice } from '../handler';
import { prepared } from '../db/open';
import { labelsOf } from '../grid/labels';
import { incubationStatusIssue } from '../incubation/status';

export const enterpriseFields = {
  name: requiredText,
  uscc: z.string().max(40).nullish(),
  industry: z.string().max(40).nullish(),
  kind: enumOf('enterpriseKind'),
  status: enumOf('enterpriseStatus'),
  building: shortText,
  unit: shortText,
  area_m2: z.number().min(0).max(1e7).nullish(),
  entry_date: optionalDate,
  exit_date: optionalDate,
  registered_capital: yuan,
  headcount: count,
  revenue: yuan,
  tax: yuan,
  rd_spend: yuan,
  patents: count,
  software_copyrights: count,
  qualifications: z.array(z.strictObject({ type: enumOf('qualification'), expires: optionalDate })).max(10).nullish(),
  contacts: z.array(z.strictObject({ name: requiredText, role: shortText, phone: shortText, email: shortText })).max(20).nullish(),
  tags: z.array(z.string().trim().min(1).max(40)).max(30).nullish(),
  notes: longText,
  founded_date: optionalDate,
  revenue_prev: yuan,
  listed_or_acquired: z.number().int().min(0).max(1).nullish(),
};

const money = (col: string) => ({ sql: `e.${col}`, type: 'number' as const, sortable: true });

export const enterprisesView = {
  from: 'enterprises e',
  rowid: 'e.rowid',
  where: 'e.deleted = 0',
  select: 'e.*',
  columns: {
    name: { sql: 'e.name', type: 'text', sortable: true, fts: 'enterprises_fts' },
    uscc: { sql: 'e.uscc', type: 'text', sortable: true },
    industry: { sql: 'e.industry', type: 'text', sortable: true },
    kind: { sql: 'e.kind', type: 'enum', sortable: true, labels: labelsOf('enterpriseKind') },
    status: { sql: 'e.status', type: 'enum', sortable: true, labels: labelsOf('enterpriseStatus') },
    building: { sql: 'e.building', type: 'text', sortable: true },
    unit: { sql: 'e.unit', type: 'text' },
    area_m2: { sql: 'e.area_m2', type: 'number', sortable: true },
    entry_date: { sql: 'e.entry_date', type: 'date', sortable: true },
    exit_date: { sql: 'e.exit_date', type: 'date', sortable: true },
    registered_capital: money('registered_capital'),
    headcount: money('headcount'),
    revenue: money('revenue'),
    tax: money('tax'),
    rd_spend: money('rd_spend'),
    patents: money('patents'),
    software_copyrights: { sql: 'e.software_copyrights', type: 'number' },
    tags: { sql: 'e.tags', type: 'text' },
    updated_at: { sql: 'e.updated_at', type: 'date', sortable: true },
  },
} as const;

const entity = entityHandlers({
  table: 'enterprises',
  fields: enterpriseFields,
  prepare: withNormalizedUscc,
  rules: (ctx, row, id) => {
    const issues: FieldIssue[] = [];
    const bad = usccIssue(row);
    if (bad) issues.push(bad);
    else if (typeof row.uscc === 'string') {
      // Unique among live enterprises (the partial unique index enforces it; this says who has it).
      const other = prepared(ctx.db, 'SELECT name FROM enterprises WHERE uscc = ? AND deleted = 0 AND id IS NOT ?')
        .get(row.uscc, id ?? null) as { name: string } | undefined;
      if (other) issues.push({ field: 'uscc', code: 'uscc_taken', params: { name: other.name } });
    }
    if (row.entry_date && row.exit_date && String(row.exit_date) < String(row.entry_date)) issues.push({ field: 'exit_date', code: 'date_order' });
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
