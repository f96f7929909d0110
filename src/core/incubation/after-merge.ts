import { survivorOf, type LogEntry } from '../db/materialize';
import { prepared, type Db } from '../db/open';
import type { WriteContext } from '../db/write';
import { readOnlyTables } from '../hub/roles';
import { readHubConfig } from '../hub/state';
import { HAS_ACTIVE_INCUBATION_SQL, syncIncubationStatus } from './status';

/**
 * 在孵 on merged state. A merge stores each field's last writer (sync/merge.ts), and the rule of
 * status.ts spans two tables: a laptop that ends an incubation writes 毕业 on the enterprise, the office
 * that meanwhile admitted it to another programme wrote nothing on it, and the merge leaves 毕业 beside
 * an active incubation. After the rows are rewritten, each enterprise the merged changes could have
 * put out of step is brought back in line by the same upkeep as a local edit (syncIncubationStatus):
 * an ordinary change with this copy's next stamp, which travels like any other. Each copy that merges
 * checks again, so once the copies hold the same changes they hold the same, consistent status (a copy
 * that meets an already-corrected state writes nothing).
 *
 * A copy whose role may not change enterprises (a viewer on the office hub) writes nothing: the hub would
 * refuse the change, and the staff's copies write it for everyone.
 */
export function keepIncubationStatusAfterMerge(ctx: WriteContext, fresh: readonly LogEntry[], absorbed: readonly { kept: string }[]): number {
  if (!mayWriteEnterprises(ctx)) return 0;
  const db = ctx.db;
  const candidates = new Set<string>();
  /** Incubations the package changed; true when it changed more than creating them (an owner may have moved). */
  const incubations = new Map<string, boolean>();
  for (const c of fresh) {
    if (c.tbl === 'incubations') incubations.set(c.row_id, incubations.get(c.row_id) || c.field !== '*');
    // A status written or a record restored. A new enterprise (a '*' snapshot) comes in step from a copy
    // that kept the rule; its incubations arrive as incubation changes, a record it merged with as `absorbed`.
    // (Bulk-generated scale data says 在孵 without records: a merge leaves what it was given as it was.)
    else if (c.tbl === 'enterprises' && (c.field === 'status' || c.field === 'deleted')) candidates.add(c.row_id);
    else if (c.tbl === 'row_aliases') {
      const alias = prepared(db, "SELECT target_id FROM row_aliases WHERE id = ? AND tbl = 'enterprises'").get(c.row_id) as { target_id: string } | undefined;
      if (alias) candidates.add(alias.target_id);
    }
  }
  for (const a of absorbed) candidates.add(a.kept);
  const owner = prepared(db, 'SELECT enterprise_id FROM incubations WHERE id = ?').pluck();
  // Every enterprise a changed incubation ever belonged to (a move, here or there, leaves the old one to check too).
  const owners = prepared(db, "SELECT field, old_value, new_value FROM changes WHERE tbl = 'incubations' AND row_id = ? AND field IN ('enterprise_id', '*')");
  for (const [id, edited] of incubations) {
    const now = owner.get(id);
    if (typeof now === 'string') candidates.add(now);
    if (!edited) continue;
    for (const c of owners.all(id) as { field: string; old_value: string | null; new_value: string | null }[]) {
      for (const v of c.field === '*' ? [ownerIn(c.new_value)] : [parsed(c.old_value), parsed(c.new_value)]) if (typeof v === 'string' && v) candidates.add(v);
    }
  }
  const roots = new Set([...candidates].map((id) => survivorOf(db, 'enterprises', id)));
  const outOfStep = disagreeing(db, [...roots].sort());
  for (const id of outOfStep) syncIncubationStatus(ctx, id);
  return outOfStep.length;
}

function mayWriteEnterprises(ctx: WriteContext): boolean {
  const role = readHubConfig(ctx.db)?.role ?? null;
  if (readOnlyTables(role).includes('enterprises')) return false;
  try {
    ctx.guard?.('enterprises', 'update');
    return true;
  } catch {
    return false;
  }
}

const parsed = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
const ownerIn = (snapshot: string | null): unknown => (parsed(snapshot) as { enterprise_id?: unknown } | null)?.enterprise_id;

/** Of these enterprises, the live ones whose status disagrees with their incubation records, in id order. */
function disagreeing(db: Db, ids: string[]): string[] {
  const out: string[] = [];
  const BATCH = 500;
  for (let i = 0; i < ids.length; i += BATCH) {
    const slice = ids.slice(i, i + BATCH);
    const rows = prepared(
      db,
      `SELECT e.id FROM enterprises e WHERE e.id IN (${slice.map(() => '?').join(', ')}) AND e.deleted = 0 AND e.status <> 'exited'
         AND (e.status = 'incubating') <> ${HAS_ACTIVE_INCUBATION_SQL}
       ORDER BY e.id`,
    ).pluck().all(...slice) as string[];
    out.push(...rows);
  }
  return out;
}
