import { prepared, type Db } from './open';

type Row = Record<string, unknown>;

/**
 * stage_reach (migration 0013): for each live lead or incubation and each stage X, the first date the
 * row reached X — its first live event in X or a later stage of the path (a lost or terminated stage
 * counts only itself), as measure.ts defines "reached" — with its project (a lead's enterprise, or the
 * row itself). A "reached X in the window" target is then an index range by (entity, X, date): rows of
 * their own project counted per day, linked leads grouped by enterprise. No grouping of every stage
 * event, no lookup of each lead. Kept by the write path (aggregates.ts) inside each write's transaction;
 * the leads' rows follow the pipeline's order, so a change of a stage's order or kind rebuilds them.
 */

const withRollup = new WeakSet<Db>();

/**
 * Whether migration 0013 made these tables: a database opened with older migrations only (a test of
 * an older version, or a later migration's fix-up running before 0013) has none, and migration 0013
 * fills them from the rows. Remembered once seen: tables are never dropped.
 */
export function hasReachTables(db: Db): boolean {
  if (withRollup.has(db)) return true;
  if (!prepared(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stage_counts'").get()) return false;
  withRollup.add(db);
  return true;
}

/** The incubation path in order (enums.incubationProgression), as SQL rows. */
const INCUBATION_PATH = "WITH path (stage, pos) AS (VALUES ('applied', 0), ('screening', 1), ('admitted', 2), ('incubating', 3), ('graduated', 4))";

/**
 * Each (row, reached stage) with its first date, as the rows of stage_reach (entity, stage, date, row_id,
 * project); `rowFilter` narrows to one row (or is empty: all rows). The write path inserts it; `parkpilot
 * check` compares the table with it. A live incubation is looked up by id (EXISTS): `IN (SELECT id FROM
 * incubations …)` built a list of every incubation on each refresh, one scan per stage event written.
 */
export function reachSelect(entity: 'leads' | 'incubations', rowFilter = ''): string {
  if (entity === 'leads')
    return `SELECT 'leads', x.id, min(e.date), e.row_id, coalesce(t.enterprise_id, t.id) FROM stage_events e
      JOIN leads t ON t.id = e.row_id AND t.deleted = 0
      JOIN pipeline_stages s ON s.id = e.stage AND s.deleted = 0
      JOIN pipeline_stages x ON x.deleted = 0 AND CASE WHEN x.kind = 'lost' THEN x.id = s.id ELSE s.kind <> 'lost' AND s.sort >= x.sort END
      WHERE e.entity = 'leads' AND e.deleted = 0 ${rowFilter} GROUP BY e.row_id, x.id`;
  return `${INCUBATION_PATH}
    SELECT 'incubations', x, min(date), row_id, row_id FROM (
      SELECT e.row_id, e.date, p2.stage AS x FROM stage_events e JOIN path p1 ON p1.stage = e.stage JOIN path p2 ON p2.pos <= p1.pos
      WHERE e.entity = 'incubations' AND e.deleted = 0 ${rowFilter}
      UNION ALL SELECT e.row_id, e.date, e.stage FROM stage_events e
      WHERE e.entity = 'incubations' AND e.deleted = 0 AND e.stage NOT IN (SELECT stage FROM path) ${rowFilter}
    ) r WHERE EXISTS (SELECT 1 FROM incubations t WHERE t.id = r.row_id AND t.deleted = 0) GROUP BY row_id, x`;
}

const reachSql = (entity: 'leads' | 'incubations', rowFilter: string) => `INSERT INTO stage_reach (entity, stage, date, row_id, project) ${reachSelect(entity, rowFilter)}`;

/** stage_counts as rebuilt from the rows (what migration 0013 fills it with); `parkpilot check` compares. */
export const STAGE_COUNTS_SELECT = `SELECT 'leads', stage, count(*) FROM leads WHERE deleted = 0 GROUP BY stage
  UNION ALL SELECT 'incubations', stage, count(*) FROM incubations WHERE deleted = 0 GROUP BY stage`;

/** Recomputes one row's reached stages (after its events, its tombstone or its enterprise link changed). */
export function refreshReach(db: Db, entity: string, rowId: string): void {
  if (entity !== 'leads' && entity !== 'incubations') return;
  prepared(db, 'DELETE FROM stage_reach WHERE entity = ? AND row_id = ?').run(entity, rowId);
  const sql = reachSql(entity, 'AND e.row_id = ?');
  if (entity === 'leads') prepared(db, sql).run(rowId);
  else prepared(db, sql).run(rowId, rowId);
}

/** Rebuilds every lead's rows: the pipeline's order or kinds changed, so "later stage" did too. */
export function rebuildLeadReach(db: Db): void {
  prepared(db, "DELETE FROM stage_reach WHERE entity = 'leads'").run();
  prepared(db, reachSql('leads', '')).run();
}

/** Rebuilds the whole table from the rows (what migration 0013 fills it with). */
export function rebuildReach(db: Db): void {
  rebuildLeadReach(db);
  prepared(db, "DELETE FROM stage_reach WHERE entity = 'incubations'").run();
  prepared(db, reachSql('incubations', '')).run();
}

/** After a lead or incubation was written: its reach changes when it is deleted, restored or relinked. */
export function reachAfterRow(db: Db, entity: 'leads' | 'incubations', before: Row | null, after: Row | null): void {
  const row = (after ?? before)!;
  if (before && after && before.deleted === after.deleted && (entity !== 'leads' || (before.enterprise_id ?? null) === (after.enterprise_id ?? null))) return;
  // A new row has no events yet (unless a merge brought them first): skip the delete and the joins.
  if (!before && !prepared(db, 'SELECT 1 FROM stage_events INDEXED BY stage_events_row WHERE entity = ? AND row_id = ? LIMIT 1').get(entity, String(row.id))) return;
  refreshReach(db, entity, String(row.id));
}

/** After a pipeline stage was written: a new, removed or reordered stage, or a changed kind, rebuilds. */
export function reachAfterStage(db: Db, before: Row | null, after: Row | null): void {
  const key = (r: Row | null) => (r && r.deleted === 0 ? `${String(r.sort)}|${String(r.kind)}` : null);
  if (key(before) !== key(after)) rebuildLeadReach(db);
}

/**
 * stage_counts (migration 0013): live leads and incubations per stored stage — the funnel and the
 * incubation stages as of today, without counting a million index entries on each Overview.
 */
export function stageCountsAfterRow(db: Db, entity: 'leads' | 'incubations', before: Row | null, after: Row | null): void {
  const was = before && before.deleted === 0 ? String(before.stage) : null;
  const is = after && after.deleted === 0 ? String(after.stage) : null;
  if (was === is) return;
  if (was !== null) {
    prepared(db, 'UPDATE stage_counts SET n = n - 1 WHERE entity = ? AND stage = ?').run(entity, was);
    prepared(db, 'DELETE FROM stage_counts WHERE entity = ? AND stage = ? AND n <= 0').run(entity, was);
  }
  if (is !== null) prepared(db, 'INSERT INTO stage_counts (entity, stage, n) VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1').run(entity, is);
}
