import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, refExists } from '../entity';
import { enumOf, isoDate, longText, optionalDate, optionalId, requiredText, shortText, usccIssue, withNormalizedUscc, yuan } from '../fields';
import { labelsOf } from '../grid/labels';
import { handler, slice } from '../handler';

export const leadFields = {
  company: requiredText,
  uscc: z.string().max(40).nullish(),
  source: enumOf('leadSource'),
  industry: z.string().max(40).nullish(),
  intended_investment: yuan,
  expected_area_m2: z.number().min(0).max(1e7).nullish(),
  stage: enumOf('leadStage'),
  owner_id: optionalId,
  next_follow_up: optionalDate,
  probability: z.number().int().min(0).max(100).nullish(),
  lost_reason: shortText,
  enterprise_id: optionalId,
  notes: longText,
};

export const leadsView = {
  from: 'leads l LEFT JOIN staff s ON s.id = l.owner_id',
  rowid: 'l.rowid',
  where: 'l.deleted = 0',
  select: 'l.*, s.name AS owner_name',
  columns: {
    company: { sql: 'l.company', type: 'text', sortable: true, fts: 'leads_fts' },
    uscc: { sql: 'l.uscc', type: 'text', sortable: true },
    source: { sql: 'l.source', type: 'enum', sortable: true, labels: labelsOf('leadSource') },
    industry: { sql: 'l.industry', type: 'text', sortable: true },
    intended_investment: { sql: 'l.intended_investment', type: 'number', sortable: true },
    expected_area_m2: { sql: 'l.expected_area_m2', type: 'number', sortable: true },
    stage: { sql: 'l.stage', type: 'enum', sortable: true, labels: labelsOf('leadStage') },
    owner_name: { sql: 's.name', type: 'text' },
    owner_id: { sql: 'l.owner_id', type: 'text', sortable: true },
    next_follow_up: { sql: 'l.next_follow_up', type: 'date', sortable: true },
    probability: { sql: 'l.probability', type: 'number', sortable: true },
    lost_reason: { sql: 'l.lost_reason', type: 'text' },
    updated_at: { sql: 'l.updated_at', type: 'date', sortable: true },
  },
} as const;

const entity = entityHandlers({
  table: 'leads',
  fields: leadFields,
  prepare: withNormalizedUscc,
  rules: (ctx, row) => {
    const issues: FieldIssue[] = [];
    const bad = usccIssue(row);
    if (bad) issues.push(bad);
    if (row.stage === 'lost' && !(typeof row.lost_reason === 'string' && row.lost_reason.trim())) issues.push({ field: 'lost_reason', code: 'required' });
    if (!refExists(ctx, 'staff', row.owner_id)) issues.push({ field: 'owner_id', code: 'unknown_reference', params: { detail: String(row.owner_id) } });
    if (!refExists(ctx, 'industries', row.industry)) issues.push({ field: 'industry', code: 'unknown_reference', params: { detail: String(row.industry) } });
    return issues;
  },
  view: leadsView,
});

export const leadsHandlers = slice('leads', {
  ...entity,
  overdue: handler(z.strictObject({ asOf: isoDate.optional() }), (ctx, { asOf }) => ({
    count: (ctx.db
      .prepare("SELECT count(*) AS n FROM leads WHERE deleted = 0 AND stage NOT IN ('lost', 'producing') AND next_follow_up < ?")
      .get(asOf ?? ctx.today()) as { n: number }).n,
  })),
});

export const activityFields = {
  lead_id: optionalId,
  enterprise_id: optionalId,
  kind: enumOf('activityKind'),
  date: isoDate,
  staff_id: optionalId,
  text: longText,
};

export const activitiesHandlers = slice('activities', {
  ...entityHandlers({
    table: 'activities',
    fields: activityFields,
    rules: (ctx, row) => {
      const issues: FieldIssue[] = [];
      if (!row.lead_id && !row.enterprise_id) issues.push({ field: 'lead_id', code: 'required' });
      if (!refExists(ctx, 'leads', row.lead_id)) issues.push({ field: 'lead_id', code: 'unknown_reference', params: { detail: String(row.lead_id) } });
      if (!refExists(ctx, 'enterprises', row.enterprise_id)) issues.push({ field: 'enterprise_id', code: 'unknown_reference', params: { detail: String(row.enterprise_id) } });
      return issues;
    },
    view: {
      from: 'activities a LEFT JOIN staff s ON s.id = a.staff_id',
      rowid: 'a.rowid',
      where: 'a.deleted = 0',
      select: 'a.*, s.name AS staff_name',
      columns: {
        lead_id: { sql: 'a.lead_id', type: 'text' },
        enterprise_id: { sql: 'a.enterprise_id', type: 'text' },
        kind: { sql: 'a.kind', type: 'enum', labels: labelsOf('activityKind') },
        date: { sql: 'a.date', type: 'date', sortable: true },
        text: { sql: 'a.text', type: 'text' },
      },
    },
  }),
  /** The activities of one lead or enterprise, newest first. */
  of: handler(z.strictObject({ lead_id: z.uuid().optional(), enterprise_id: z.uuid().optional() }), (ctx, q) =>
    ctx.db
      .prepare(
        `SELECT a.*, s.name AS staff_name FROM activities a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.deleted = 0 AND (a.lead_id = ? OR a.enterprise_id = ?) ORDER BY a.date DESC LIMIT 200`,
      )
      .all(q.lead_id ?? null, q.enterprise_id ?? null),
  ),
});
