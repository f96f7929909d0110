import { enterpriseRegistry } from '../enterprises/fields';
import { incubationRegistry } from '../incubation/fields';
import { leadRegistry } from '../leads/fields';
import { storageOf } from '../registry/field';

/**
 * What the write path may touch: every writable table and its columns with their storage kind.
 * Table and column names reach SQL only from here, never from a caller. The registry areas'
 * columns derive from their field registries (`<area>/fields.ts`).
 */
export type ColumnKind = 'text' | 'int' | 'real' | 'json';

export interface TableSpec {
  columns: Readonly<Record<string, ColumnKind>>;
  /** Contentless FTS5 table kept in step by the write path, and the text it indexes. */
  search?: { fts: string; text: (row: Record<string, unknown>) => string };
}

const text = 'text' as const;
const int = 'int' as const;
const real = 'real' as const;
const json = 'json' as const;

export const tables = {
  industries: { columns: { name_zh: text, name_en: text, sort: int } },
  staff: { columns: { name: text, role: text, phone: text, email: text } },
  enterprises: {
    columns: storageOf(enterpriseRegistry),
    search: { fts: 'enterprises_fts', text: (r) => [r.name, r.uscc, ...((r.tags as string[] | undefined) ?? [])].filter(Boolean).join(' ') },
  },
  incubations: { columns: storageOf(incubationRegistry) },
  leads: {
    columns: storageOf(leadRegistry),
    search: { fts: 'leads_fts', text: (r) => [r.company, r.uscc].filter(Boolean).join(' ') },
  },
  activities: { columns: { lead_id: text, enterprise_id: text, kind: text, date: text, staff_id: text, text: text } },
  plans: { columns: { name: text, source: text, start_date: text, deadline: text, notes: text } },
  targets: {
    columns: {
      plan_id: text, name: text, name_en: text, unit: text, min_value: real, max_value: real, baseline: real,
      deadline: text, measure: json, done_date: text, evidence: text, sort: int,
    },
  },
  milestones: { columns: { plan_id: text, target_id: text, name: text, due_date: text, done_date: text, notes: text } },
  pipeline_stages: { columns: { name_zh: text, name_en: text, sort: int, kind: text } },
  stage_events: { columns: { entity: text, row_id: text, from_stage: text, stage: text, date: text, note: text } },
  financing_rounds: { columns: { incubation_id: text, date: text, round: text, amount: int, investor: text } },
  startup_milestones: { columns: { incubation_id: text, goal: text, unit: text, target_value: real, deadline: text, done_date: text } },
  review_items: {
    columns: {
      kind: text, tbl: text, row_id: text, field: text, kept_value: text, lost_value: text, lost_stamp: text, lost_site: text,
      lost_user: text, status: text, resolution: text, resolved_by: text, resolved_at: text,
    },
  },
  row_aliases: { columns: { tbl: text, target_id: text } },
  visits: { columns: { enterprise_id: text, lead_id: text, date: text, staff_id: text, purpose: text, notes: text } },
  attachments: { columns: { visit_id: text, name: text, mime: text, size: int, hash: text } },
  requests: { columns: { enterprise_id: text, visit_id: text, date: text, text: text, status: text } },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof tables;

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(tables, name);
}
