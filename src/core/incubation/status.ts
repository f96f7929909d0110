import { prepared, type Db } from '../db/open';
import { readLive, updateRow, type WriteContext } from '../db/write';
import type { FieldIssue } from '../errors';

/**
 * What "在孵" (in incubation) means, in one place. The incubation record is the truth: it carries the
 * admission, the agreement, the regulation checks and the stage history, and the Overview, the
 * Torch return and the plan targets count it. An enterprise's status 在孵 is derived from it: an
 * enterprise is 在孵 exactly when one of its live incubation records is admitted (入孵) or incubating
 * (在孵). The incubation handlers keep the status in step; the enterprise rules refuse an edit that
 * would make the two disagree. (Migration 0008 brought older databases in line.)
 */
export const ACTIVE_INCUBATION_STAGES = ['admitted', 'incubating'] as const;

/** SQL: whether enterprise `e` has a live active incubation record (the rule above, for queries that check many). */
const ACTIVE_STAGES_SQL = ACTIVE_INCUBATION_STAGES.map((s) => `'${s}'`).join(', ');
export const HAS_ACTIVE_INCUBATION_SQL = `EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN (${ACTIVE_STAGES_SQL}))`;

export function hasActiveIncubation(db: Db, enterpriseId: string): boolean {
  return !!prepared(db, `SELECT 1 FROM incubations WHERE enterprise_id = ? AND deleted = 0 AND stage IN (${ACTIVE_STAGES_SQL})`).get(enterpriseId);
}

/**
 * Brings an enterprise's status in line with its incubation records after one of them changed:
 * 在孵 while one is active; when none is any more, 毕业 if the latest ended in graduation, otherwise
 * 入驻 (still in the park). A status of 迁出 (left the park) is kept.
 */
export function syncIncubationStatus(ctx: WriteContext, enterpriseId: string | null | undefined): void {
  if (!enterpriseId) return;
  const enterprise = prepared(ctx.db, 'SELECT status FROM enterprises WHERE id = ? AND deleted = 0').get(enterpriseId) as { status: string } | undefined;
  if (!enterprise || enterprise.status === 'exited') return;
  const active = hasActiveIncubation(ctx.db, enterpriseId);
  if (active && enterprise.status !== 'incubating') updateRow(ctx, 'enterprises', enterpriseId, { status: 'incubating' });
  if (!active && enterprise.status === 'incubating') {
    const latest = prepared(ctx.db, "SELECT stage FROM incubations WHERE enterprise_id = ? AND deleted = 0 AND stage IN ('graduated', 'terminated') ORDER BY exit_date DESC, updated_at DESC LIMIT 1").get(enterpriseId) as { stage: string } | undefined;
    updateRow(ctx, 'enterprises', enterpriseId, { status: latest?.stage === 'graduated' ? 'graduated' : 'settled' });
  }
}

/** The enterprise rule: its status may say 在孵 only when an incubation record does, and must then. */
export function incubationStatusIssue(db: Db, row: Record<string, unknown>, id: string | undefined): FieldIssue | null {
  const active = id ? hasActiveIncubation(db, id) : false;
  if (row.status === 'incubating' && !active) return { field: 'status', code: 'incubating_needs_record' };
  if (active && row.status !== 'incubating') return { field: 'status', code: 'incubation_still_active' };
  return null;
}

/** An enterprise that has left the park cannot be admitted or be in incubation. */
export function exitedEnterpriseIssue(db: Db, enterpriseId: unknown, stage: unknown): FieldIssue | null {
  if (!enterpriseId || !(ACTIVE_INCUBATION_STAGES as readonly unknown[]).includes(stage)) return null;
  const e = prepared(db, 'SELECT status FROM enterprises WHERE id = ? AND deleted = 0').get(enterpriseId) as { status: string } | undefined;
  return e?.status === 'exited' ? { field: 'stage', code: 'enterprise_exited' } : null;
}

/** The incubation's enterprise as it is now (for handlers that change an incubation outside onChange). */
export function enterpriseOf(db: Db, incubationId: string): string | null {
  return (readLive(db, 'incubations', incubationId).enterprise_id as string | null) ?? null;
}
