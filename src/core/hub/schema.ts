import type pg from 'pg';
import { MAX_CLOCK_AHEAD_MS } from '../db/clock';
import { ADMIN_TABLES, HUB_ROLES, groupRole, type HubRole } from './roles';

/**
 * The hub's schema in PostgreSQL. The hub holds, for one park database:
 * - `changes`: every copy's change-log entries, in one total order (`seq`, a server sequence); a
 *   change has the same identity (stamp, table, row, field) on every copy, so it is stored once;
 * - `pushes`: who pushed each run of changes and what that copy held when it did (the merge rules
 *   need it, as they need a laptop package's manifest);
 * - `blobs`: attachment contents, by hash; `sites`: each connected copy and how far it has pulled;
 * - `settings`: the few settings the office shares (the park's name); `people`: display names;
 * - `meta`: the hub format, the park database it belongs to and the newest program that used it.
 * It merges nothing: every desktop merges what it pulls by the rules of sync/merge.ts, exactly as it
 * merges a laptop's package. Access is enforced here, by grants and row-level security.
 */
export const HUB_FORMAT = 1;
export const HUB_SCHEMA = 'parkpilot';
/** Pushes take this advisory lock so that `seq` order is commit order (a puller never skips a row). */
export const PUSH_LOCK = 7_214_001;
export const NOTIFY_CHANNEL = 'parkpilot_changes';

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

function schemaSql(): string {
  const admin = groupRole('admin');
  const staff = groupRole('staff');
  const viewer = groupRole('viewer');
  const all = HUB_ROLES.map(groupRole).join(', ');
  const stampOk = `left(stamp, 24)::timestamptz <= now() + interval '${MAX_CLOCK_AHEAD_MS / 1000} seconds'`;
  const createsReview = `(tbl = 'review_items' AND coalesce(old_value, 'null') = 'null' AND (field <> 'status' OR new_value = '"open"'))`;
  return `
CREATE SCHEMA IF NOT EXISTS ${HUB_SCHEMA};
SET LOCAL search_path = ${HUB_SCHEMA};
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO meta (key, value) VALUES ('format', '${HUB_FORMAT}'), ('db_id', ''), ('park', ''), ('migration', '') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS pushes (
  id bigserial PRIMARY KEY, site text NOT NULL, device text NOT NULL, person text, seen jsonb NOT NULL,
  pushed_by name NOT NULL DEFAULT session_user, pushed_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS changes (
  seq bigserial PRIMARY KEY, push_id bigint NOT NULL REFERENCES pushes,
  stamp text NOT NULL, site text NOT NULL, author text NOT NULL, tbl text NOT NULL, row_id text NOT NULL, field text NOT NULL,
  old_value text, new_value text, pushed_by name NOT NULL DEFAULT session_user,
  UNIQUE (stamp, tbl, row_id, field));
CREATE INDEX IF NOT EXISTS changes_site_stamp ON changes (site, stamp);
CREATE TABLE IF NOT EXISTS blobs (hash text PRIMARY KEY, data bytea NOT NULL, pushed_by name NOT NULL DEFAULT session_user);
CREATE TABLE IF NOT EXISTS sites (
  site text PRIMARY KEY, device text NOT NULL, person text, role name NOT NULL DEFAULT session_user,
  pulled bigint NOT NULL DEFAULT 0, seen_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text NOT NULL, updated_by name NOT NULL DEFAULT session_user, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS people (login name PRIMARY KEY, display_name text NOT NULL, role text NOT NULL);

DO $$ BEGIN
  ${HUB_ROLES.map((r) => `IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${q(groupRole(r))}) THEN CREATE ROLE ${groupRole(r)} NOLOGIN; END IF;`).join('\n  ')}
END $$;

-- The newest program that used the hub: any role may raise it, nobody may lower it.
CREATE OR REPLACE FUNCTION note_migration(m text) RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = ${HUB_SCHEMA}, pg_temp AS $f$
  UPDATE meta SET value = m WHERE key = 'migration' AND value < m;
  SELECT value FROM meta WHERE key = 'migration';
$f$;

REVOKE ALL ON ALL TABLES IN SCHEMA ${HUB_SCHEMA} FROM PUBLIC;
GRANT USAGE ON SCHEMA ${HUB_SCHEMA} TO ${all};
GRANT SELECT ON ALL TABLES IN SCHEMA ${HUB_SCHEMA} TO ${all};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${HUB_SCHEMA} TO ${all};
GRANT EXECUTE ON FUNCTION note_migration(text) TO ${all};
GRANT INSERT ON pushes, changes, sites TO ${all};
GRANT UPDATE (device, person, role, pulled, seen_at) ON sites TO ${all};
GRANT INSERT ON blobs TO ${admin}, ${staff};
GRANT INSERT, UPDATE ON settings, meta TO ${admin};

ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE pushes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_all ON changes;
DROP POLICY IF EXISTS admin_writes ON changes;
DROP POLICY IF EXISTS staff_writes ON changes;
DROP POLICY IF EXISTS viewer_writes ON changes;
CREATE POLICY read_all ON changes FOR SELECT USING (true);
CREATE POLICY admin_writes ON changes FOR INSERT TO ${admin} WITH CHECK (pushed_by = session_user AND ${stampOk});
CREATE POLICY staff_writes ON changes FOR INSERT TO ${staff} WITH CHECK (pushed_by = session_user AND ${stampOk}
  AND tbl NOT IN (${ADMIN_TABLES.map(q).join(', ')}) AND (tbl <> 'review_items' OR ${createsReview}));
CREATE POLICY viewer_writes ON changes FOR INSERT TO ${viewer} WITH CHECK (pushed_by = session_user AND ${stampOk} AND ${createsReview});
DROP POLICY IF EXISTS read_all ON pushes;
DROP POLICY IF EXISTS own_pushes ON pushes;
CREATE POLICY read_all ON pushes FOR SELECT USING (true);
CREATE POLICY own_pushes ON pushes FOR INSERT WITH CHECK (pushed_by = session_user);
DROP POLICY IF EXISTS read_all ON sites;
DROP POLICY IF EXISTS own_site ON sites;
DROP POLICY IF EXISTS own_site_update ON sites;
CREATE POLICY read_all ON sites FOR SELECT USING (true);
CREATE POLICY own_site ON sites FOR INSERT WITH CHECK (role = session_user);
-- A desktop belongs to whoever signs in on it now (a person may hand a desktop over).
CREATE POLICY own_site_update ON sites FOR UPDATE USING (true) WITH CHECK (role = session_user);
`;
}

/** Creates (or brings up to date) the hub's schema, group roles, grants and policies. Idempotent. */
export async function prepareHub(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(schemaSql());
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

/** A person who signs in to the hub: their own login role, a member of one ParkPilot group role. */
export async function addPerson(client: pg.Client, login: string, role: HubRole, password: string, displayName: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login)) throw new Error(`login must be lower-case letters, digits and _ (${login})`);
  const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login])).rowCount;
  // A password is a literal in CREATE/ALTER ROLE (no parameters there): quoted, never logged.
  const pw = q(password);
  await client.query(exists ? `ALTER ROLE ${login} LOGIN PASSWORD ${pw}` : `CREATE ROLE ${login} LOGIN PASSWORD ${pw}`);
  for (const r of HUB_ROLES) await client.query(r === role ? `GRANT ${groupRole(r)} TO ${login}` : `REVOKE ${groupRole(r)} FROM ${login}`);
  await client.query(`INSERT INTO ${HUB_SCHEMA}.people (login, display_name, role) VALUES ($1, $2, $3)
    ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name, role = excluded.role`, [login, displayName, role]);
}
