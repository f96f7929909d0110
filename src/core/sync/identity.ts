import { createHash, randomBytes } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Db } from '../db/open';

/**
 * A site id belongs to one copy of the database file. Two copies writing under one id would make
 * different changes with the same identity, and each would drop the other's as already seen. So the
 * database remembers where its site id was issued (`site_home`: machine, real path and file id), and a
 * file opened anywhere else (copied to a USB stick, "Save a copy as…", restored from a backup) takes a
 * new site id before it writes. Moving a file also renews its id: harmless, since an id is only a name
 * for "changes made here".
 */
export function fileHome(file: string): string | null {
  if (!file || file === ':memory:') return null;
  const st = statSync(file);
  return createHash('sha256').update(`${hostname()}\n${realpathSync(file)}\n${st.dev}:${st.ino}`).digest('hex').slice(0, 32);
}

export const newSiteId = (): string => randomBytes(8).toString('hex');

const get = (db: Db, key: string) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
const put = (db: Db, key: string, value: string) =>
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);

/** This copy's site id: the stored one when the file is where it was issued, otherwise a new one. */
export function claimSite(db: Db, file: string, person: string | undefined, fixed?: string): { site: string; renewed: boolean } {
  const home = fileHome(file);
  const stored = get(db, 'site');
  const storedHome = get(db, 'site_home');
  let site = fixed ?? stored;
  let renewed = false;
  if (!site || (!fixed && storedHome !== null && home !== null && storedHome !== home)) {
    renewed = !!site;
    site = newSiteId();
  }
  const known = !!db.prepare('SELECT 1 FROM sync_sites WHERE site = ?').get(site);
  // Nothing to write when the file is where its id was issued: opening must not need the write lock
  // (another process may be importing; read-only commands still work then).
  if (site === stored && (home === null || home === storedHome) && known) return { site, renewed };
  db.transaction(() => {
    if (site !== stored) put(db, 'site', site);
    if (home !== null && home !== storedHome) put(db, 'site_home', home);
    if (!known) {
      db.prepare('INSERT INTO sync_sites (site, device, person, first_seen) VALUES (?, ?, ?, ?)').run(site, get(db, 'device') ?? hostname(), person ?? null, new Date().toISOString());
    }
  })();
  return { site, renewed };
}
