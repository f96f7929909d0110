import { prepared, type Db } from './open';

type Row = Record<string, unknown>;

/**
 * stage_firsts (migration 0013): for each live lead or incubation, the first date of its live stage
 * events in each stage, with its project (a lead's enterprise, or the lead itself when unlinked; an
 * incubation is its own). "Reached stage X" targets read it instead of grouping every stage event and
 * looking each lead up (measure.ts). Kept by the write path (aggregates.ts) inside each write's
 * transaction, keyed by the exact stage so that reordering the pipeline changes nothing stored.
 */
export function refreshStageFirsts(db: Db, entity: string, rowId: string): void {
  if (entity !== 'leads' && entity !== 'incubations') return;
  prepared(db, 'DELETE FROM stage_firsts WHERE entity = ? AND row_id = ?').run(entity, rowId);
  const project = entity === 'leads' ? 'coalesce(t.enterprise_id, t.id)' : 't.id';
  prepared(
    db,
    `INSERT INTO stage_firsts (entity, row_id, stage, date, project)
     SELECT e.entity, e.row_id, e.stage, min(e.date), ${project} FROM stage_events e INDEXED BY stage_events_row
     JOIN ${entity} t ON t.id = e.row_id AND t.deleted = 0
     WHERE e.entity = ? AND e.row_id = ? AND e.deleted = 0 GROUP BY e.stage`,
  ).run(entity, rowId);
}

/** After a lead or incubation was written: its stage firsts change when it is deleted, restored or relinked. */
export function stageFirstsAfterRow(db: Db, entity: 'leads' | 'incubations', before: Row | null, after: Row | null): void {
  const row = (after ?? before)!;
  if (before && after && before.deleted === after.deleted && (entity !== 'leads' || (before.enterprise_id ?? null) === (after.enterprise_id ?? null))) return;
  // A new row has no events yet (unless a merge brought them first): skip the delete and the join.
  if (!before && !prepared(db, 'SELECT 1 FROM stage_events INDEXED BY stage_events_row WHERE entity = ? AND row_id = ? LIMIT 1').get(entity, String(row.id))) return;
  refreshStageFirsts(db, entity, String(row.id));
}
