import type { Db } from '../db/open';
import { targetProgress } from '../targets/handlers';

const countBy = (db: Db, table: string, column: string) =>
  Object.fromEntries(
    (db.prepare(`SELECT ${column} AS k, count(*) AS n FROM ${table} WHERE deleted = 0 GROUP BY ${column} ORDER BY ${column}`).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]),
  );
const total = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE deleted = 0`).get() as { n: number }).n;

/** Counts per entity and status, and every plan target with its value, as of a date. */
export function stats(db: Db, asOf: string) {
  return {
    asOf,
    enterprises: { total: total(db, 'enterprises'), byStatus: countBy(db, 'enterprises', 'status'), byKind: countBy(db, 'enterprises', 'kind') },
    incubations: { total: total(db, 'incubations'), byStage: countBy(db, 'incubations', 'stage') },
    leads: { total: total(db, 'leads'), byStage: countBy(db, 'leads', 'stage') },
    activities: { total: total(db, 'activities') },
    staff: { total: total(db, 'staff') },
    targets: targetProgress(db, asOf).map((t) => ({
      plan: t.plan_name, name: t.name, nameEn: t.name_en, unit: t.unit, kind: t.kind, value: t.value, min: t.min_value, max: t.max_value, deadline: t.deadline,
      projection: t.projection, pastDeadline: t.pastDeadline, status: t.status,
    })),
  };
}
