import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, refExists } from '../entity';
import { enumOf, longText, optionalDate, optionalId, shortText } from '../fields';
import { labelsOf } from '../grid/labels';
import { slice } from '../handler';

export const incubationFields = {
  enterprise_id: optionalId,
  team_name: shortText,
  cohort: shortText,
  stage: enumOf('incubationStage'),
  mentor_id: optionalId,
  applied_date: optionalDate,
  admitted_date: optionalDate,
  exit_date: optionalDate,
  agreement_start: optionalDate,
  agreement_end: optionalDate,
  notes: longText,
};

export const incubationsView = {
  from: 'incubations i LEFT JOIN enterprises e ON e.id = i.enterprise_id LEFT JOIN staff s ON s.id = i.mentor_id',
  rowid: 'i.rowid',
  where: 'i.deleted = 0',
  select: 'i.*, e.name AS enterprise_name, s.name AS mentor_name',
  columns: {
    name: { sql: 'coalesce(e.name, i.team_name)', type: 'text' },
    team_name: { sql: 'i.team_name', type: 'text', sortable: true },
    cohort: { sql: 'i.cohort', type: 'text', sortable: true },
    stage: { sql: 'i.stage', type: 'enum', sortable: true, labels: labelsOf('incubationStage') },
    mentor_name: { sql: 's.name', type: 'text' },
    mentor_id: { sql: 'i.mentor_id', type: 'text', sortable: true },
    applied_date: { sql: 'i.applied_date', type: 'date', sortable: true },
    admitted_date: { sql: 'i.admitted_date', type: 'date', sortable: true },
    exit_date: { sql: 'i.exit_date', type: 'date', sortable: true },
    agreement_start: { sql: 'i.agreement_start', type: 'date' },
    agreement_end: { sql: 'i.agreement_end', type: 'date', sortable: true },
    updated_at: { sql: 'i.updated_at', type: 'date', sortable: true },
  },
} as const;

export const incubationsHandlers = slice(
  'incubations',
  entityHandlers({
    table: 'incubations',
    fields: incubationFields,
    rules: (ctx, row) => {
      const issues: FieldIssue[] = [];
      if (!row.enterprise_id && !(typeof row.team_name === 'string' && row.team_name.trim())) issues.push({ field: 'team_name', code: 'team_or_enterprise' });
      if (!refExists(ctx, 'enterprises', row.enterprise_id)) issues.push({ field: 'enterprise_id', code: 'unknown_reference', params: { detail: String(row.enterprise_id) } });
      if (!refExists(ctx, 'staff', row.mentor_id)) issues.push({ field: 'mentor_id', code: 'unknown_reference', params: { detail: String(row.mentor_id) } });
      return issues;
    },
    view: incubationsView,
  }),
);

export type IncubationInput = z.input<z.ZodObject<typeof incubationFields>>;
