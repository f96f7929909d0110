import type { Db } from '../db/open';
import { tables, type TableName } from '../db/tables';
import { hasReachTables, reachSelect, STAGE_COUNTS_SELECT } from '../db/reach';
import { hasQualificationDays, QUALIFICATION_DAYS_SELECT } from '../db/qualification-days';
import { decodeRow } from '../db/write';
import { searchTokens } from '../search/tokens';
import { HAS_ACTIVE_INCUBATION_SQL } from '../incubation/status';
import { REGISTERED_STATUSES } from '../enterprises/registered';
import { localDay } from '../util/day';

/**
 * `parkpilot check`: everything that can be wrong with a database file short of a wrong value typed
 * by a user. SQLite's own integrity check, the foreign keys, each search index against one rebuilt
 * from the rows, the Overview aggregates against the same figures computed from the rows, and the
 * rules that tie one registry to another (an enterprise is 在孵 exactly when an incubation record says so).
 */
export interface CheckReport {
  ok: boolean;
  integrity: string[];
  foreignKeys: { table: string; rowid: number; parent: string }[];
  search: { table: string; fts: string; missing: number; extra: number; ok: boolean }[];
  aggregates: { name: string; differences: number; ok: boolean }[];
  /** Each cross-registry rule: how many records break it, and the names of the first few. */
  rules: { name: RuleName; violations: number; examples: string[]; ok: boolean }[];
}

/** `today`: the database's day (the handler's and the CLI's: a demo park's last day of history), else the computer's UTC date. */
export function checkDatabase(db: Db, today = localDay()): CheckReport {
  const integrity = (db.prepare('PRAGMA integrity_check(50)').all() as { integrity_check: string }[]).map((r) => r.integrity_check).filter((v) => v !== 'ok');
  // Nothing more is trustworthy on a file SQLite already finds damaged (and reading on may fail).
  if (integrity.length) return { ok: false, integrity, foreignKeys: [], search: [], aggregates: [], rules: [] };
  const foreignKeys = (db.prepare('PRAGMA foreign_key_check').all() as { table: string; rowid: number; parent: string }[]).slice(0, 100);
  const search = (Object.keys(tables) as TableName[]).flatMap((t) => (hasSearch(t) ? [searchAgainstRebuild(db, t)] : []));
  const aggregates = aggregatesAgainstRebuild(db);
  const rules = rulesOf(db, today);
  const ok = foreignKeys.length === 0 && search.every((s) => s.ok) && aggregates.every((a) => a.ok) && rules.every((r) => r.ok);
  return { ok, integrity, foreignKeys, search, aggregates, rules };
}

/**
 * The rules the write path keeps between registries, as queries for the records that break them. A file
 * written by an older generator, a hand-edited file or a bug would otherwise show figures that disagree
 * (the Overview's 在孵 counts records, the registry's 在孵 filter counts statuses).
 */
const REGISTERED_SQL = REGISTERED_STATUSES.map((s) => `'${s}'`).join(', ');

export const RULES = [
  {
    // incubation/status.ts: 在孵 exactly when a live record is admitted or incubating; never for one that left.
    name: 'incubating_status',
    where: `e.deleted = 0 AND CASE WHEN e.status = 'exited' THEN ${HAS_ACTIVE_INCUBATION_SQL} ELSE (e.status = 'incubating') <> ${HAS_ACTIVE_INCUBATION_SQL} END`,
  },
  // The Overview's 在册企业 counts by entry and exit dates as of a day (registered until the exit date,
  // overview/dashboard.ts), the registry's 在册 filter by status (enterprises/registered.ts): one figure
  // today only while an enterprise out of the register has left by today and one on it has not (a planned
  // move-out next month is fine). The write path does not refuse either (a grid edit of the status
  // alone, legacy imports), so the check names them.
  { name: 'exited_without_exit_date', where: `e.deleted = 0 AND e.status NOT IN (${REGISTERED_SQL}) AND (e.exit_date IS NULL OR e.exit_date > @today)` },
  { name: 'exit_date_while_registered', where: `e.deleted = 0 AND e.status IN (${REGISTERED_SQL}) AND e.exit_date <= @today` },
] as const satisfies readonly { name: string; where: string }[];

export type RuleName = (typeof RULES)[number]['name'];

export function rulesOf(db: Db, today: string): CheckReport['rules'] {
  return RULES.map(({ name, where }) => {
    const args = where.includes('@today') ? [{ today }] : [];
    const violations = (db.prepare(`SELECT count(*) AS n FROM enterprises e WHERE ${where}`).get(...args) as { n: number }).n;
    const examples = violations ? (db.prepare(`SELECT e.name FROM enterprises e WHERE ${where} ORDER BY e.rowid LIMIT 5`).pluck().all(...args) as string[]) : [];
    return { name, violations, examples, ok: violations === 0 };
  });
}

const hasSearch = (t: TableName) => 'search' in tables[t];

/**
 * Builds the index the write path would have written for every live row into a temporary FTS5 table,
 * then compares every token instance (term, row, position) of the two through fts5vocab.
 */
function searchAgainstRebuild(db: Db, table: TableName): CheckReport['search'][number] {
  const spec = tables[table] as { search: { fts: string; text: (r: Record<string, unknown>) => string } };
  const fts = spec.search.fts;
  db.exec("CREATE VIRTUAL TABLE temp.pp_check_fts USING fts5 (tokens, content = '', contentless_delete = 1, tokenize = 'unicode61')");
  try {
    const insert = db.prepare('INSERT INTO temp.pp_check_fts (rowid, tokens) VALUES (?, ?)');
    // In chunks by rowid: a connection cannot write (even to temp) while it iterates.
    const chunk = db.prepare(`SELECT rowid AS rid, * FROM ${table} WHERE deleted = 0 AND rowid > ? ORDER BY rowid LIMIT 5000`);
    for (let last = -Infinity; ; ) {
      const rows = chunk.all(last) as (Record<string, unknown> & { rid: number })[];
      if (!rows.length) break;
      db.transaction(() => {
        for (const row of rows) insert.run(row.rid, searchTokens(spec.search.text(decodeRow(table, row))));
      })();
      last = rows.at(-1)!.rid;
    }
    db.exec(`CREATE VIRTUAL TABLE temp.pp_check_have USING fts5vocab(main, ${fts}, 'instance'); CREATE VIRTUAL TABLE temp.pp_check_want USING fts5vocab(temp, pp_check_fts, 'instance')`);
    const diff = (a: string, b: string) => (db.prepare(`SELECT count(*) AS n FROM (SELECT term, doc, offset FROM temp.${a} EXCEPT SELECT term, doc, offset FROM temp.${b})`).get() as { n: number }).n;
    const missing = diff('pp_check_want', 'pp_check_have');
    const extra = diff('pp_check_have', 'pp_check_want');
    return { table, fts, missing, extra, ok: missing === 0 && extra === 0 };
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.pp_check_have; DROP TABLE IF EXISTS temp.pp_check_want; DROP TABLE IF EXISTS temp.pp_check_fts');
  }
}

/**
 * Each aggregate as stored, against the same SQL that filled it (migration 0005; the rollups of 0013 with
 * the write path's own SELECTs, reach.ts). Each rebuilt side is one subquery: a compound member cannot start
 * with WITH, and `A EXCEPT B UNION ALL C` would mean `(A EXCEPT B) UNION ALL C`.
 */
const AGGREGATES: { name: string; stored: string; rebuilt: string; since?: 'reach' | 'qualificationDays' }[] = [
  {
    name: 'enterprise_months',
    stored: 'SELECT industry, entry_month, exit_month, n FROM enterprise_months',
    rebuilt: `SELECT coalesce(industry, ''), coalesce(substr(entry_date, 1, 7), ''), coalesce(substr(exit_date, 1, 7), ''), count(*)
      FROM enterprises WHERE deleted = 0 GROUP BY 1, 2, 3`,
  },
  {
    name: 'stage_events.until',
    stored: 'SELECT id, until FROM stage_events WHERE deleted = 0',
    rebuilt: `SELECT e.id, (SELECT n.date FROM stage_events n
        WHERE n.entity = e.entity AND n.row_id = e.row_id AND n.deleted = 0 AND (n.date > e.date OR (n.date = e.date AND n.rowid > e.rowid))
        ORDER BY n.date, n.rowid LIMIT 1) FROM stage_events e WHERE e.deleted = 0`,
  },
  {
    name: 'stage_months',
    stored: 'SELECT entity, from_stage, stage, start_month, end_month, n, round(days, 3) FROM stage_months',
    rebuilt: `SELECT entity, coalesce(from_stage, ''), stage, substr(date, 1, 7), coalesce(substr(until, 1, 7), ''), count(*),
        round(coalesce(sum(julianday(until) - julianday(date)), 0), 3)
      FROM stage_events WHERE deleted = 0 GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    name: 'stage_reach',
    stored: 'SELECT entity, stage, date, row_id, project FROM stage_reach',
    rebuilt: `SELECT * FROM (SELECT * FROM (${reachSelect('leads')}) UNION ALL SELECT * FROM (${reachSelect('incubations')}))`,
    since: 'reach',
  },
  { name: 'stage_counts', stored: 'SELECT entity, stage, n FROM stage_counts', rebuilt: `SELECT * FROM (${STAGE_COUNTS_SELECT})`, since: 'reach' },
  { name: 'qualification_days', stored: 'SELECT day, n FROM qualification_days', rebuilt: `SELECT * FROM (${QUALIFICATION_DAYS_SELECT})`, since: 'qualificationDays' },
];

export function aggregatesAgainstRebuild(db: Db): CheckReport['aggregates'] {
  // A database from before migration 0013 or 0017 (checked by an older build's file) lacks those rollups.
  const present = { reach: hasReachTables(db), qualificationDays: hasQualificationDays(db) };
  return AGGREGATES.filter((a) => !a.since || present[a.since]).map(({ name, stored, rebuilt }) => {
    const n = (sql: string) => (db.prepare(`SELECT count(*) AS n FROM (${sql})`).get() as { n: number }).n;
    const differences = n(`${stored} EXCEPT ${rebuilt}`) + n(`${rebuilt} EXCEPT ${stored}`);
    return { name, differences, ok: differences === 0 };
  });
}
