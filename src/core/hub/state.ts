import { prepared, type Db } from '../db/open';
import type { Vector } from '../sync/peers';
import type { HubRole } from './roles';

/** What a desktop remembers of its hub (local settings key `hub`; a laptop checkout drops it). */
export interface HubConfig {
  /** Without the password. */
  url: string;
  login: string;
  role: HubRole;
  /** The name the change log records for this person's edits (the hub's people list, else the login). */
  person: string;
  /** The park database the hub holds (its db_id). */
  hubDb: string;
  /** The last hub sequence number merged here. */
  pulled: number;
  /** What the hub holds, as far as this copy knows: per site, the latest stamp. */
  seen: Vector;
  /** The shared park name as last synced (to tell a local edit from the hub's). */
  parkName: string | null;
  /** Changes the hub refused (role), kept on this desktop only. */
  refused: { count: number; detail: string } | null;
  lastSync: string | null;
}

export function readHubConfig(db: Db): HubConfig | null {
  const raw = (prepared(db, "SELECT value FROM settings WHERE key = 'hub'").get() as { value: string } | undefined)?.value;
  return raw ? (JSON.parse(raw) as HubConfig) : null;
}

export function writeHubConfig(db: Db, config: HubConfig | null): void {
  if (!config) prepared(db, "DELETE FROM settings WHERE key = 'hub'").run();
  else prepared(db, "INSERT INTO settings (key, value) VALUES ('hub', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(config));
}
