import type { LogEntry } from '../db/materialize';
import { prepared, type Db } from '../db/open';

/** What a copy holds: per site, the largest stamp of that site's changes in its log. */
export type Vector = Record<string, string>;

export interface SiteInfo {
  site: string;
  device: string;
  person: string | null;
}

export function vectorOf(db: Db): Vector {
  // Site by site along the changes_site index (a few look-ups per site): GROUP BY site read the whole
  // index, seconds on a database of millions of changes, at every export and status.
  const rows = prepared(db, `WITH RECURSIVE s (site) AS (
      SELECT (SELECT min(site) FROM changes)
      UNION ALL SELECT (SELECT min(site) FROM changes WHERE site > s.site) FROM s WHERE s.site IS NOT NULL)
    SELECT site, (SELECT max(stamp) FROM changes WHERE changes.site = s.site) AS stamp FROM s WHERE site IS NOT NULL`).all() as { site: string; stamp: string }[];
  return Object.fromEntries(rows.map((r) => [r.site, r.stamp]));
}

/** Per site, the later of two vectors' stamps. */
export function joinVectors(a: Vector, b: Vector): Vector {
  const out: Vector = { ...a };
  for (const [site, stamp] of Object.entries(b)) if (!out[site] || out[site] < stamp) out[site] = stamp;
  return out;
}

/** What we last knew a peer to hold (empty when we never heard from it). */
export function peerSeen(db: Db, site: string): Vector {
  const row = prepared(db, 'SELECT seen FROM sync_peers WHERE site = ?').get(site) as { seen: string } | undefined;
  return row ? (JSON.parse(row.seen) as Vector) : {};
}

/** A peer told us (by a package) what it holds: never forget what it held before. */
export function recordPeer(db: Db, site: string, seen: Vector, sent = false): void {
  const now = new Date().toISOString();
  const merged = joinVectors(peerSeen(db, site), seen);
  prepared(db, `INSERT INTO sync_peers (site, seen, last_heard, last_sent) VALUES (?, ?, ?, ?)
    ON CONFLICT (site) DO UPDATE SET seen = excluded.seen, last_heard = coalesce(excluded.last_heard, last_heard), last_sent = coalesce(excluded.last_sent, last_sent)`)
    .run(site, JSON.stringify(merged), sent ? null : now, sent ? now : null);
}

export function recordSites(db: Db, sites: SiteInfo[]): void {
  const insert = prepared(db, 'INSERT INTO sync_sites (site, device, person, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT (site) DO NOTHING');
  for (const s of sites) insert.run(s.site, s.device, s.person, new Date().toISOString());
}

export function knownSites(db: Db): SiteInfo[] {
  return prepared(db, 'SELECT site, device, person FROM sync_sites ORDER BY first_seen').all() as SiteInfo[];
}

/** The changes a peer holding `seen` lacks, in clock order. */
export function changesSince(db: Db, seen: Vector): LogEntry[] {
  const out: LogEntry[] = [];
  const stmt = prepared(db, 'SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE site = ? AND stamp > ? ORDER BY stamp');
  for (const site of Object.keys(vectorOf(db))) out.push(...(stmt.all(site, seen[site] ?? '') as LogEntry[]));
  return out.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
}

/** The device name a site goes by here (sync_sites), or null when this copy has not met it. */
export function deviceOf(db: Db, site: string): string | null {
  return (prepared(db, 'SELECT device FROM sync_sites WHERE site = ?').get(site) as { device: string | null } | undefined)?.device ?? null;
}
