import type { Db } from '../db/open';
import type { Locale } from '../errors';
import { leadStages } from '../leads/pipeline';
import { headerUnit, importFields, labelIndex, type ImportEntity } from './fields';
import type { CheckPlan, ImportColumn } from './row-check';

/**
 * An import's check plan (row-check.ts), worked out once from the database and the field registry in
 * the importer's thread: the check thread then needs neither (it loads only the parsers, the messages
 * and the create schemas). Enum-like columns take their labels from here too (industries, staff and
 * stages from the database, enums from code).
 */
export function checkPlan(db: Db, entity: ImportEntity, columns: ImportColumn[], locale: Locale): CheckPlan {
  const fields = importFields[entity];
  const labels: CheckPlan['labels'] = {};
  const mapped = columns.filter((c) => c.field).map((column) => ({ column, kind: fields[column.field]!.kind, unit: headerUnit(column.header) }));
  const required = Object.entries(fields).filter(([, spec]) => spec.required).map(([field]) => ({ field, label: columns.find((c) => c.field === field)?.header || field }));
  for (const c of columns) {
    const spec = c.field ? fields[c.field] : undefined;
    if (spec && !SIMPLE_KINDS.has(spec.kind)) labels[c.field] = [...labelIndex(db, spec)];
  }
  return { entity, locale, columns, mapped, required, labels, openStage: entity === 'leads' ? (leadStages(db).find((s) => s.kind === 'open')?.id ?? 'promoted') : '' };
}

const SIMPLE_KINDS = new Set(['date', 'money', 'int', 'number', 'uscc', 'text']);

/** Whether the plan is worth sending to a thread: an enterprise column's labels are every enterprise's name and code. */
export const planTravels = (plan: CheckPlan): boolean => Object.values(plan.labels).reduce((n, l) => n + l.length, 0) <= 50_000;

