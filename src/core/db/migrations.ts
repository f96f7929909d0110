/**
 * Append-only migrations, embedded in the bundle. Never edit or reorder an entry that has shipped:
 * add a new one. `openDatabase` refuses a file whose applied ids are not a prefix of these.
 */
export interface Migration {
  id: string;
  sql: string;
}

/** Columns every synced row carries: tombstone flag and timestamps of the last write. */
const rowMeta = `
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL`;

export const migrations: readonly Migration[] = [
  {
    id: '0001_initial',
    sql: `
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE changes (
  seq INTEGER PRIMARY KEY,
  stamp TEXT NOT NULL,          -- hybrid logical clock, sortable
  site TEXT NOT NULL,
  user TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,          -- column name; '*' = whole-row snapshot from a bulk load
  old_value TEXT,               -- JSON
  new_value TEXT                -- JSON
) STRICT;
CREATE INDEX changes_row ON changes (tbl, row_id, stamp);
CREATE INDEX changes_stamp ON changes (stamp);

CREATE TABLE industries (
  id TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,${rowMeta}
) STRICT;

CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  phone TEXT,
  email TEXT,${rowMeta}
) STRICT;

CREATE TABLE enterprises (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  uscc TEXT,
  industry TEXT REFERENCES industries (id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  building TEXT,
  unit TEXT,
  area_m2 REAL,
  entry_date TEXT,
  exit_date TEXT,
  registered_capital INTEGER,   -- yuan
  headcount INTEGER,
  revenue INTEGER,              -- yuan, last full year
  tax INTEGER,                  -- yuan
  rd_spend INTEGER,             -- yuan
  patents INTEGER,
  software_copyrights INTEGER,
  qualifications TEXT NOT NULL DEFAULT '[]',   -- JSON [{type, expires}]
  contacts TEXT NOT NULL DEFAULT '[]',         -- JSON [{name, role, phone, email}]
  tags TEXT NOT NULL DEFAULT '[]',             -- JSON [string]
  notes TEXT,${rowMeta}
) STRICT;
CREATE UNIQUE INDEX enterprises_live_uscc ON enterprises (uscc) WHERE deleted = 0 AND uscc IS NOT NULL;
CREATE INDEX enterprises_uscc ON enterprises (uscc) WHERE deleted = 0;   -- sorting (the unique one is partial on NOT NULL)
CREATE INDEX enterprises_name ON enterprises (name) WHERE deleted = 0;
CREATE INDEX enterprises_industry ON enterprises (industry) WHERE deleted = 0;
CREATE INDEX enterprises_kind ON enterprises (kind) WHERE deleted = 0;
CREATE INDEX enterprises_status ON enterprises (status) WHERE deleted = 0;
CREATE INDEX enterprises_building ON enterprises (building) WHERE deleted = 0;
CREATE INDEX enterprises_area ON enterprises (area_m2) WHERE deleted = 0;
CREATE INDEX enterprises_entry ON enterprises (entry_date) WHERE deleted = 0;
CREATE INDEX enterprises_exit ON enterprises (exit_date) WHERE deleted = 0;
CREATE INDEX enterprises_capital ON enterprises (registered_capital) WHERE deleted = 0;
CREATE INDEX enterprises_headcount ON enterprises (headcount) WHERE deleted = 0;
CREATE INDEX enterprises_revenue ON enterprises (revenue) WHERE deleted = 0;
CREATE INDEX enterprises_tax ON enterprises (tax) WHERE deleted = 0;
CREATE INDEX enterprises_rd ON enterprises (rd_spend) WHERE deleted = 0;
CREATE INDEX enterprises_patents ON enterprises (patents) WHERE deleted = 0;
CREATE INDEX enterprises_updated ON enterprises (updated_at) WHERE deleted = 0;

CREATE TABLE incubations (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT REFERENCES enterprises (id),
  team_name TEXT,
  cohort TEXT,
  stage TEXT NOT NULL,
  mentor_id TEXT REFERENCES staff (id),
  applied_date TEXT,
  admitted_date TEXT,
  exit_date TEXT,               -- graduated or terminated on
  agreement_start TEXT,
  agreement_end TEXT,
  notes TEXT,${rowMeta}
) STRICT;
CREATE INDEX incubations_enterprise ON incubations (enterprise_id);
CREATE INDEX incubations_name ON incubations (team_name) WHERE deleted = 0;
CREATE INDEX incubations_cohort ON incubations (cohort) WHERE deleted = 0;
CREATE INDEX incubations_stage ON incubations (stage) WHERE deleted = 0;
CREATE INDEX incubations_mentor ON incubations (mentor_id) WHERE deleted = 0;
CREATE INDEX incubations_applied ON incubations (applied_date) WHERE deleted = 0;
CREATE INDEX incubations_admitted ON incubations (admitted_date) WHERE deleted = 0;
CREATE INDEX incubations_exit ON incubations (exit_date) WHERE deleted = 0;
CREATE INDEX incubations_agreement_end ON incubations (agreement_end) WHERE deleted = 0;
CREATE INDEX incubations_updated ON incubations (updated_at) WHERE deleted = 0;

CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  company TEXT NOT NULL,
  uscc TEXT,
  source TEXT NOT NULL,
  industry TEXT REFERENCES industries (id),
  intended_investment INTEGER,  -- yuan
  expected_area_m2 REAL,
  stage TEXT NOT NULL,
  owner_id TEXT REFERENCES staff (id),
  next_follow_up TEXT,
  probability INTEGER CHECK (probability BETWEEN 0 AND 100),
  lost_reason TEXT,
  enterprise_id TEXT REFERENCES enterprises (id),
  notes TEXT,${rowMeta}
) STRICT;
CREATE INDEX leads_company ON leads (company) WHERE deleted = 0;
CREATE INDEX leads_uscc ON leads (uscc) WHERE deleted = 0;
CREATE INDEX leads_source ON leads (source) WHERE deleted = 0;
CREATE INDEX leads_industry ON leads (industry) WHERE deleted = 0;
CREATE INDEX leads_investment ON leads (intended_investment) WHERE deleted = 0;
CREATE INDEX leads_area ON leads (expected_area_m2) WHERE deleted = 0;
CREATE INDEX leads_stage ON leads (stage) WHERE deleted = 0;
CREATE INDEX leads_owner ON leads (owner_id) WHERE deleted = 0;
CREATE INDEX leads_follow_up ON leads (next_follow_up) WHERE deleted = 0;
CREATE INDEX leads_probability ON leads (probability) WHERE deleted = 0;
CREATE INDEX leads_updated ON leads (updated_at) WHERE deleted = 0;
CREATE INDEX leads_enterprise ON leads (enterprise_id);

CREATE TABLE activities (
  id TEXT PRIMARY KEY,
  lead_id TEXT REFERENCES leads (id),
  enterprise_id TEXT REFERENCES enterprises (id),
  kind TEXT NOT NULL,
  date TEXT NOT NULL,
  staff_id TEXT REFERENCES staff (id),
  text TEXT,${rowMeta}
) STRICT;
CREATE INDEX activities_lead ON activities (lead_id, date);
CREATE INDEX activities_enterprise ON activities (enterprise_id, date);

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT,
  start_date TEXT NOT NULL,
  deadline TEXT NOT NULL,
  notes TEXT,${rowMeta}
) STRICT;

CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL REFERENCES plans (id),
  name TEXT NOT NULL,
  name_en TEXT,
  unit TEXT NOT NULL,
  min_value REAL,
  max_value REAL,
  baseline REAL NOT NULL DEFAULT 0,
  deadline TEXT NOT NULL,
  measure TEXT NOT NULL,        -- JSON metric definition, see targets/measure.ts
  done_date TEXT,               -- milestone targets: completed on
  evidence TEXT,
  sort INTEGER NOT NULL DEFAULT 0,${rowMeta}
) STRICT;
CREATE INDEX targets_plan ON targets (plan_id, sort);
CREATE INDEX targets_name ON targets (name) WHERE deleted = 0;
CREATE INDEX targets_deadline ON targets (deadline) WHERE deleted = 0;
CREATE INDEX targets_updated ON targets (updated_at) WHERE deleted = 0;

CREATE TABLE milestones (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL REFERENCES plans (id),
  target_id TEXT REFERENCES targets (id),
  name TEXT NOT NULL,
  due_date TEXT NOT NULL,
  done_date TEXT,
  notes TEXT,${rowMeta}
) STRICT;
CREATE INDEX milestones_plan ON milestones (plan_id, due_date);

-- Search index: CJK text is split into unigrams + bigrams by the core (search/tokens.ts) so that
-- 1- and 2-character queries such as 园 or 数据 match; rowid = the entity row's rowid.
CREATE VIRTUAL TABLE enterprises_fts USING fts5 (tokens, content = '', contentless_delete = 1, tokenize = 'unicode61');
CREATE VIRTUAL TABLE leads_fts USING fts5 (tokens, content = '', contentless_delete = 1, tokenize = 'unicode61');
`,
  },
  {
    id: '0002_pipelines',
    sql: `
-- Lead stages are configurable per database; kind says what a stage means for counting.
CREATE TABLE pipeline_stages (
  id TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),${rowMeta}
) STRICT;

-- A stage change of a lead or an incubation, with the business date it happened on.
CREATE TABLE stage_events (
  id TEXT PRIMARY KEY,
  entity TEXT NOT NULL CHECK (entity IN ('leads', 'incubations')),
  row_id TEXT NOT NULL,
  from_stage TEXT,
  stage TEXT NOT NULL,
  date TEXT NOT NULL,
  note TEXT,${rowMeta}
) STRICT;
CREATE INDEX stage_events_row ON stage_events (entity, row_id, date);
CREATE INDEX stage_events_stage ON stage_events (entity, stage, date);

CREATE TABLE financing_rounds (
  id TEXT PRIMARY KEY,
  incubation_id TEXT NOT NULL REFERENCES incubations (id),
  date TEXT NOT NULL,
  round TEXT,
  amount INTEGER NOT NULL,      -- yuan
  investor TEXT,${rowMeta}
) STRICT;
CREATE INDEX financing_rounds_incubation ON financing_rounds (incubation_id, date);

CREATE TABLE startup_milestones (
  id TEXT PRIMARY KEY,
  incubation_id TEXT NOT NULL REFERENCES incubations (id),
  goal TEXT NOT NULL,
  unit TEXT,
  target_value REAL,
  deadline TEXT,
  done_date TEXT,${rowMeta}
) STRICT;
CREATE INDEX startup_milestones_incubation ON startup_milestones (incubation_id, deadline);

ALTER TABLE enterprises ADD COLUMN founded_date TEXT;          -- registration date (incubator age rule)
ALTER TABLE enterprises ADD COLUMN revenue_prev INTEGER;       -- yuan, the year before \`revenue\`
ALTER TABLE enterprises ADD COLUMN listed_or_acquired INTEGER;        -- 1 = listed or acquired (graduation criterion)
CREATE INDEX activities_date ON activities (date) WHERE deleted = 0;
`,
  },
  {
    id: '0003_imports',
    sql: `
-- One spreadsheet import: what came in, what it did, and whether it was reverted.
CREATE TABLE import_batches (
  id TEXT PRIMARY KEY,
  entity TEXT NOT NULL,
  file_name TEXT NOT NULL,
  mode TEXT NOT NULL,
  rows INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  user TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  reverted_at TEXT
) STRICT;

-- Which import batch wrote a change (NULL for ordinary edits), so a batch can be reverted in one step.
ALTER TABLE changes ADD COLUMN batch TEXT;
CREATE INDEX changes_batch ON changes (batch) WHERE batch IS NOT NULL;

-- As-of replay asks "which fields of this table changed after D": one range per field.
CREATE INDEX changes_field ON changes (tbl, field, stamp);
-- The Overview's park make-up as of a date (mix, count, entries and exits) reads only this index.
CREATE INDEX enterprises_presence ON enterprises (entry_date, exit_date, industry) WHERE deleted = 0;
`,
  },
  {
    id: '0004_overview_indexes',
    sql: `
-- Targets counted over enterprises of a kind, dated by entry (the plan's core-enterprise target).
CREATE INDEX enterprises_kind_entry ON enterprises (kind, entry_date) WHERE deleted = 0;
-- "First reached stage X by D": answered from the index alone.
CREATE INDEX stage_events_reach ON stage_events (entity, stage, date, row_id) WHERE deleted = 0;
-- Leads as projects (one per enterprise, largest amount) without reading the table.
CREATE INDEX leads_project ON leads (id, enterprise_id, intended_investment) WHERE deleted = 0;
`,
  },
  {
    id: '0005_overview_rollups',
    sql: `
-- Aggregates the Overview reads instead of scanning a million rows, filled here from the rows and
-- then kept in step by the write path (db/aggregates.ts) inside each write's transaction. Months are
-- 'YYYY-MM', '' when the date is missing; rows whose count drops to 0 are removed.

-- Live enterprises by industry and the months they entered and left: industry mix, entries/exits.
CREATE TABLE enterprise_months (
  industry TEXT NOT NULL,
  entry_month TEXT NOT NULL,
  exit_month TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (industry, entry_month, exit_month)
) STRICT, WITHOUT ROWID;
INSERT INTO enterprise_months
  SELECT coalesce(industry, ''), coalesce(substr(entry_date, 1, 7), ''), coalesce(substr(exit_date, 1, 7), ''), count(*)
  FROM enterprises WHERE deleted = 0 GROUP BY 1, 2, 3;

-- Each stage event opens a stay in its stage that lasts until the row's next event (by date, then
-- order of entry); until is NULL while it is the row's latest. "Stage on day D" is the stay with
-- date <= D < until, whatever order the events were entered in.
ALTER TABLE stage_events ADD COLUMN until TEXT;
UPDATE stage_events SET until = (
  SELECT n.date FROM stage_events n
  WHERE n.entity = stage_events.entity AND n.row_id = stage_events.row_id AND n.deleted = 0
    AND (n.date > stage_events.date OR (n.date = stage_events.date AND n.rowid > stage_events.rowid))
  ORDER BY n.date, n.rowid LIMIT 1
) WHERE deleted = 0;
CREATE INDEX stage_events_date ON stage_events (entity, date) WHERE deleted = 0;
CREATE INDEX stage_events_until ON stage_events (entity, until) WHERE deleted = 0;
-- Withdrawn (tombstoned) leads and incubations: their stays are taken back out of the funnel.
CREATE INDEX leads_tombstones ON leads (id) WHERE deleted = 1;
CREATE INDEX incubations_tombstones ON incubations (id) WHERE deleted = 1;
-- Enterprises that left in a month, with their entry and industry: the mix's month edge from the index.
CREATE INDEX enterprises_exit_presence ON enterprises (exit_date, entry_date, industry) WHERE deleted = 0;
-- Overdue follow-ups: per open stage, one range of dates.
CREATE INDEX leads_stage_follow_up ON leads (stage, next_follow_up) WHERE deleted = 0;
-- Each row's first event in a set of stages, grouped by row from the index alone.
CREATE INDEX stage_events_row_reach ON stage_events (entity, row_id, stage, date) WHERE deleted = 0;

-- Stays by stage, entry (from_stage) and the months they began and ended, with their total length:
-- the funnel as of a past day, time in stage and the incubation flow.
CREATE TABLE stage_months (
  entity TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  stage TEXT NOT NULL,
  start_month TEXT NOT NULL,
  end_month TEXT NOT NULL,
  n INTEGER NOT NULL,
  days REAL NOT NULL,
  PRIMARY KEY (entity, from_stage, stage, start_month, end_month)
) STRICT, WITHOUT ROWID;
INSERT INTO stage_months
  SELECT entity, coalesce(from_stage, ''), stage, substr(date, 1, 7), coalesce(substr(until, 1, 7), ''), count(*), coalesce(sum(julianday(until) - julianday(date)), 0)
  FROM stage_events WHERE deleted = 0 GROUP BY 1, 2, 3, 4, 5;
`,
  },
  {
    id: '0006_sync',
    sql: `
-- A change has the same identity on every copy: (stamp, tbl, row_id, field). Receiving it twice stores
-- it once. The unique index starts with stamp, so it also serves the old stamp index.
CREATE UNIQUE INDEX changes_identity ON changes (stamp, tbl, row_id, field);
DROP INDEX changes_stamp;
-- The latest change of a field of a row (merge, review, as-of replay); '*' is a bulk-load snapshot.
CREATE INDEX changes_latest ON changes (tbl, row_id, field, stamp);
-- What this copy holds from each site (max stamp per site), and a site's changes after a stamp.
CREATE INDEX changes_site ON changes (site, stamp);

-- The park database this file belongs to: the same in every copy taken from it (checkouts, hub).
INSERT INTO settings (key, value) SELECT 'db_id', lower(hex(randomblob(16)))
  WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'db_id');

-- Copies this one has exchanged changes with, and what each held (site -> max stamp) when last heard.
CREATE TABLE sync_peers (
  site TEXT PRIMARY KEY,
  seen TEXT NOT NULL DEFAULT '{}',
  last_heard TEXT,
  last_sent TEXT
) STRICT;
-- Every site whose changes this copy holds: the device and person behind it (history, review).
CREATE TABLE sync_sites (site TEXT PRIMARY KEY, device TEXT NOT NULL, person TEXT, first_seen TEXT NOT NULL) STRICT;

-- Merge outcomes a person must look at: a value that lost to a concurrent one (conflict), an edit that
-- reached a deleted record (deleted_edit). Synced like any table; the id is derived from the losing
-- change, so every copy that sees the same conflict records the same item.
CREATE TABLE review_items (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'deleted_edit')),
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  kept_value TEXT,              -- JSON, the value that stayed when the item was made
  lost_value TEXT,              -- JSON
  lost_stamp TEXT NOT NULL,
  lost_site TEXT NOT NULL,
  lost_user TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution TEXT,              -- kept | lost | other | restored
  resolved_by TEXT,
  resolved_at TEXT,${rowMeta}
) STRICT;
CREATE INDEX review_items_open ON review_items (status, tbl, row_id) WHERE deleted = 0;

-- The same enterprise created on two devices (same credit code): the row with the smaller id survives,
-- the other (id here) is absorbed into it. Synced, so every copy folds the two histories into one row.
CREATE TABLE row_aliases (
  id TEXT PRIMARY KEY,
  tbl TEXT NOT NULL,
  target_id TEXT NOT NULL,${rowMeta}
) STRICT;
CREATE INDEX row_aliases_target ON row_aliases (tbl, target_id);
`,
  },
  {
    id: '0007_enterprise_floor',
    sql: `
-- The floor an enterprise occupies in its building (e.g. 3F, B1): the park office finds tenants by it.
ALTER TABLE enterprises ADD COLUMN floor TEXT;
`,
  },
  {
    id: '0008_incubation_status',
    sql: `
-- 在孵 is what the incubation records say (incubation/status.ts): an enterprise is 在孵 exactly when
-- one of its live incubation records is admitted or incubating. Earlier versions let the registry's
-- status and the records disagree. Bring the status in line (迁出 is kept), and log each change in
-- the change log like any edit, stamped as the last stamp of the latest change's millisecond (a valid clock stamp, so the
-- change travels to other copies like any) so it replays as the newest.
CREATE TEMP TABLE incubation_status_fix AS
  SELECT e.id, e.status AS old_status,
    CASE
      WHEN EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('admitted', 'incubating')) THEN 'incubating'
      WHEN (SELECT i.stage FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('graduated', 'terminated') ORDER BY i.exit_date DESC, i.updated_at DESC LIMIT 1) = 'graduated' THEN 'graduated'
      ELSE 'settled'
    END AS new_status
  FROM enterprises e
  WHERE e.deleted = 0 AND e.status <> 'exited'
    AND (e.status = 'incubating') <> EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('admitted', 'incubating'));
INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value)
  SELECT substr((SELECT coalesce(max(stamp), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) FROM changes), 1, 24) || '-ffff-' || coalesce((SELECT value FROM settings WHERE key = 'site'), '0000000000000000'),
    coalesce((SELECT value FROM settings WHERE key = 'site'), '0000000000000000'), 'ParkPilot 0008', 'enterprises', id, 'status', json_quote(old_status), json_quote(new_status)
  FROM incubation_status_fix;
UPDATE enterprises SET status = (SELECT new_status FROM incubation_status_fix f WHERE f.id = enterprises.id), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE id IN (SELECT id FROM incubation_status_fix);
DROP TABLE incubation_status_fix;
`,
  },
  {
    id: '0009_visits',
    sql: `
-- Visits (走访) on an enterprise or a lead, by field staff or at the office.
CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT REFERENCES enterprises (id),
  lead_id TEXT REFERENCES leads (id),
  date TEXT NOT NULL,
  staff_id TEXT REFERENCES staff (id),
  purpose TEXT,
  notes TEXT,${rowMeta}
) STRICT;
CREATE INDEX visits_enterprise ON visits (enterprise_id, date);
CREATE INDEX visits_lead ON visits (lead_id, date);

-- File contents by SHA-256 (photos, scans). Content-addressed and immutable, so not in the change log:
-- a package carries the blobs of the attachment rows it sends, and the same file is stored once.
CREATE TABLE blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL) STRICT;

-- A file attached to a visit: a synced row that names its content by hash.
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  visit_id TEXT NOT NULL REFERENCES visits (id),
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  hash TEXT NOT NULL,${rowMeta}
) STRICT;
CREATE INDEX attachments_visit ON attachments (visit_id);

-- Requests (诉求) an enterprise raised, often on a visit; the office follows them up.
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
  visit_id TEXT REFERENCES visits (id),
  text TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',${rowMeta}
) STRICT;
CREATE INDEX requests_enterprise ON requests (enterprise_id, status);
CREATE INDEX requests_status ON requests (status, created_at) WHERE deleted = 0;
`,
  },
  {
    id: '0010_grid_indexes',
    sql: `
-- Segment indexes for the enterprise grid (src/core/grid/segments.ts): rows by status × kind, each
-- segment in the order of one sortable column, so a filtered grid's first page is a few short range
-- scans merged instead of a walk past every row of the other segments (在孵 sorted by revenue skipped
-- every core and service enterprise first). (status, kind) alone serves the grid with no sort or sorted
-- by status or kind. The extra partial-index term \`length(kind) >= 0\` (always true: kind is NOT NULL) is
-- an opt-in: SQLite uses a partial index only for a query that states its WHERE terms, and only the
-- segment queries state this one, so the planner never picks these indexes on its own (with status and
-- kind statistics it would skip-scan them for unrelated sorts, far slower than the single-column indexes).
-- (\`kind IS NOT NULL\` would not do: SQLite drops that term from a query, as always true, before matching.)
-- Each index costs every insert and update of an enterprise (all eleven: see the README for the measured cost of inserting into
-- a 200,000-row park); columns whose order does not follow the segments (name, industry, building, last
-- changed) have none: walking their own index meets a segment's rows evenly, a rare one (core, 3%) every
-- few dozen rows.
CREATE INDEX enterprises_seg ON enterprises (status, kind) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_uscc ON enterprises (status, kind, uscc) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_area_m2 ON enterprises (status, kind, area_m2) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_entry_date ON enterprises (status, kind, entry_date) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_exit_date ON enterprises (status, kind, exit_date) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_registered_capital ON enterprises (status, kind, registered_capital) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_headcount ON enterprises (status, kind, headcount) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_revenue ON enterprises (status, kind, revenue) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_tax ON enterprises (status, kind, tax) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_rd_spend ON enterprises (status, kind, rd_spend) WHERE deleted = 0 AND length(kind) >= 0;
CREATE INDEX enterprises_seg_patents ON enterprises (status, kind, patents) WHERE deleted = 0 AND length(kind) >= 0;
`,
  },
  {
    id: '0011_sync_perf',
    sql: `
-- changes_row (tbl, row_id, stamp) repeats the first two columns of changes_latest (tbl, row_id, field,
-- stamp): every read of one row's log (the merge's folds, history, replay, an import's revert) is served by
-- changes_latest, and a row's few entries are sorted by stamp in memory. Each stored change paid for both
-- (a merge of 100,000 changes inserts 100,000 keys at scattered places of each).
DROP INDEX changes_row;
`,
  },
  {
    id: '0013_overview_rollup',
    sql: `
-- "Reached stage X" targets (leads signed in a plan's window, counted once per project): for each live
-- lead and incubation and each stage X, the first date it reached X (its first live event in X or a
-- later stage of the path; a lost or terminated stage counts only itself), with its project (a lead's
-- enterprise, or the row itself). The target reads an index range by (entity, X, date) instead of
-- grouping every stage event and looking each lead up (200,000 lookups at scale). Kept by the write
-- path (db/reach.ts), which rebuilds the leads' rows when the pipeline's order or kinds change.
CREATE TABLE stage_reach (
  entity TEXT NOT NULL,
  stage TEXT NOT NULL,
  date TEXT NOT NULL,
  row_id TEXT NOT NULL,
  project TEXT NOT NULL,
  PRIMARY KEY (entity, row_id, stage)
) STRICT, WITHOUT ROWID;
INSERT INTO stage_reach (entity, stage, date, row_id, project)
  SELECT 'leads', x.id, min(e.date), e.row_id, coalesce(t.enterprise_id, t.id) FROM stage_events e
  JOIN leads t ON t.id = e.row_id AND t.deleted = 0
  JOIN pipeline_stages s ON s.id = e.stage AND s.deleted = 0
  JOIN pipeline_stages x ON x.deleted = 0 AND CASE WHEN x.kind = 'lost' THEN x.id = s.id ELSE s.kind <> 'lost' AND s.sort >= x.sort END
  WHERE e.entity = 'leads' AND e.deleted = 0 GROUP BY e.row_id, x.id;
WITH path (stage, pos) AS (VALUES ('applied', 0), ('screening', 1), ('admitted', 2), ('incubating', 3), ('graduated', 4))
INSERT INTO stage_reach (entity, stage, date, row_id, project)
  SELECT 'incubations', x, min(date), row_id, row_id FROM (
    SELECT e.row_id, e.date, p2.stage AS x FROM stage_events e JOIN path p1 ON p1.stage = e.stage JOIN path p2 ON p2.pos <= p1.pos
    WHERE e.entity = 'incubations' AND e.deleted = 0
    UNION ALL SELECT e.row_id, e.date, e.stage FROM stage_events e
    WHERE e.entity = 'incubations' AND e.deleted = 0 AND e.stage NOT IN (SELECT stage FROM path)
  ) r WHERE r.row_id IN (SELECT id FROM incubations WHERE deleted = 0) GROUP BY row_id, x;
-- Rows of their own project (incubations, unlinked leads) are counted per day; linked leads are grouped
-- by enterprise: one index each, so neither walks past the other's entries.
CREATE INDEX stage_reach_own ON stage_reach (entity, stage, date, project) WHERE project = row_id;
CREATE INDEX stage_reach_linked ON stage_reach (entity, stage, date, project) WHERE project <> row_id;

-- Live leads and incubations per stored stage: the funnel and incubation stages as of today.
CREATE TABLE stage_counts (
  entity TEXT NOT NULL,
  stage TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (entity, stage)
) STRICT, WITHOUT ROWID;
INSERT INTO stage_counts SELECT 'leads', stage, count(*) FROM leads WHERE deleted = 0 GROUP BY stage;
INSERT INTO stage_counts SELECT 'incubations', stage, count(*) FROM incubations WHERE deleted = 0 GROUP BY stage;

-- Entries and exits per month (the Overview's quarters) in month order from an index, no sort: and
-- only the combinations with an exit for the exits, not every enterprise that never left.
CREATE INDEX enterprise_months_entry ON enterprise_months (entry_month, n);
CREATE INDEX enterprise_months_exit ON enterprise_months (exit_month, n);
`,
  },
  {
    id: '0014_grid_indexes3',
    sql: `
-- The earliest expiry among an enterprise's qualifications (the grid's "qualification expires" column and
-- its date filter) as a virtual generated column with an index, so the filter is an index range. It was a
-- correlated subquery over json_each per row: 3–9 s for "expires in 2020" sorted by entry date at 1M.
-- A generated column cannot hold a subquery, so it is the least of the ten items a qualification list may
-- have (fields.ts: at most 10), each item's date or '~' (above any date) when missing, and NULL for none;
-- text that is not JSON gives NULL too (json_extract would fail on it). Virtual: nothing is stored in the
-- row, only in the index (one more index entry per insert, and per update of the list).
ALTER TABLE enterprises ADD COLUMN qualification_expires TEXT GENERATED ALWAYS AS (CASE WHEN json_valid(qualifications) THEN nullif(min(
    coalesce(json_extract(qualifications, '$[0].expires'), '~'),
    coalesce(json_extract(qualifications, '$[1].expires'), '~'),
    coalesce(json_extract(qualifications, '$[2].expires'), '~'),
    coalesce(json_extract(qualifications, '$[3].expires'), '~'),
    coalesce(json_extract(qualifications, '$[4].expires'), '~'),
    coalesce(json_extract(qualifications, '$[5].expires'), '~'),
    coalesce(json_extract(qualifications, '$[6].expires'), '~'),
    coalesce(json_extract(qualifications, '$[7].expires'), '~'),
    coalesce(json_extract(qualifications, '$[8].expires'), '~'),
    coalesce(json_extract(qualifications, '$[9].expires'), '~')), '~') END) VIRTUAL;
CREATE INDEX enterprises_qualification_expires ON enterprises (qualification_expires) WHERE deleted = 0;
-- Global search ranks the names that contain a word shortest first. For a word in many names (数据, in
-- about 40% of them) it walks these in that order and stops at the 20th match (search/handlers.ts),
-- instead of sorting every match (0.77 s at 1M).
CREATE INDEX enterprises_name_length ON enterprises (length(name), name) WHERE deleted = 0;
CREATE INDEX leads_company_length ON leads (length(company), company) WHERE deleted = 0;
`,
  },
  {
    id: '0015_grid_indexes4',
    sql: `
-- Room numbers (a few hundred distinct values in a park): the grid's "unit contains 320" picks the values
-- that contain it from this index (a skip over its distinct values, about 1 ms) and reads their rows by
-- equality (grid/query.ts, GridColumn.fewValues), instead of testing LIKE on every row while walking the
-- sort index (unit~320 sorted by any column: 150 ms at 1M; with an industry: 350 ms).
CREATE INDEX enterprises_unit ON enterprises (unit) WHERE deleted = 0;
`,
  },
  {
    id: '0017_qualification_days',
    sql: `
-- Live enterprises' qualifications per expiry day, kept by the write path (db/qualification-days.ts):
-- the Overview's due-list counts are range sums over a few thousand days, and its first items are
-- bounded by the day the first twenty reach, instead of json_each over every enterprise (7 s at 1M).
-- day is ANY: it holds json_extract's value as the list compares it (an integer stays an integer).
CREATE TABLE qualification_days (
  day ANY PRIMARY KEY,
  n INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO qualification_days (day, n) SELECT json_extract(q.value, '$.expires') AS day, count(*)
  FROM enterprises e, json_each(CASE WHEN json_valid(e.qualifications) THEN e.qualifications ELSE '[]' END) q
  WHERE e.deleted = 0 AND day IS NOT NULL GROUP BY day;
`,
  },
  {
    id: '0018_change_identity',
    sql: `
-- A change's identity (stamp, tbl, row_id, field) is kept unique by changes_latest, which holds the same
-- four columns in the order that finds a field's latest change: changes_identity repeated them in stamp
-- order, a second B-tree every stored change paid for (a merge of 100,000 changes into the bench's
-- million-enterprise park: 0.1 s of 0.6 s of INSERTs, tests/bench/sync-floor.ts) and 6% of that file.
-- The one read that wanted stamp order, a merge's "held already?" (sync/merge-reads.ts heldAmong), reads
-- each sending site's stamp range along changes_site instead: a stamp ends with its site.
DROP INDEX changes_latest;
CREATE UNIQUE INDEX changes_latest ON changes (tbl, row_id, field, stamp);
DROP INDEX changes_identity;
`,
  },
  {
    id: '0019_request_date',
    sql: `
-- The day a request (诉求) was raised, in the park's calendar: the visit's day, else the day of the
-- database it was entered on (a demo park's last day, not the computer's clock). Earlier requests keep
-- no day (NULL) and read as before, their visit's day else their entry's: a day filled in here, outside
-- the change log, could differ between copies whose visits had not yet merged, and copies must converge.
ALTER TABLE requests ADD COLUMN date TEXT;
`,
  },
];
