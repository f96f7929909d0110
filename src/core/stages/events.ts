import { z } from 'zod';
import type { Db } from '../db/open';
import { insertRow, type WriteContext } from '../db/write';
import { readHandler, slice } from '../handler';

/**
 * Stage changes of leads and incubations as dated events. The funnel, time-in-stage, the incubation
 * flow and "reached stage X by date D" all read these business dates, not the time of data entry.
 */
export type StagedEntity = 'leads' | 'incubations';

export interface StageEvent {
  id: string;
  row_id: string;
  from_stage: string | null;
  stage: string;
  date: string;
  note: string | null;
}

export function recordStage(ctx: WriteContext, entity: StagedEntity, rowId: string, from: string | null, to: string, date: string, note?: string | null): void {
  if (from === to) return;
  insertRow(ctx, 'stage_events', { entity, row_id: rowId, from_stage: from, stage: to, date, note: note ?? null });
}

export function stageHistory(db: Db, entity: StagedEntity, rowId: string): StageEvent[] {
  return db
    .prepare('SELECT id, row_id, from_stage, stage, date, note FROM stage_events WHERE deleted = 0 AND entity = ? AND row_id = ? ORDER BY date, created_at')
    .all(entity, rowId) as StageEvent[];
}

export const stageEventHandlers = slice('stages', {
  history: readHandler(z.strictObject({ entity: z.enum(['leads', 'incubations']), id: z.uuid() }), (ctx, { entity, id }) => stageHistory(ctx.db, entity, id)),
});
