import { prepared, type Db } from '../db/open';
import { insertRow, type WriteContext } from '../db/write';
import { readHubConfig } from '../hub/state';
import { CURRENT_USER, readSetting } from '../settings/handlers';

/**
 * The person working at this computer, as the staff member a visit is by: the person signed in to the
 * office hub, else the name in Settings (on a laptop copy, the person who took it). Not the computer's
 * account name, which the change log falls back to: that is seldom a name on the staff list.
 */
export function visitorName(db: Db): string | null {
  const name = readHubConfig(db)?.person ?? readSetting(db, CURRENT_USER);
  return name?.trim() || null;
}

/** The live staff member of that name (spaces around it ignored), the first entered when several share it. */
export function staffNamed(db: Db, name: string): string | null {
  const row = prepared(db, 'SELECT id FROM staff WHERE deleted = 0 AND trim(name) = ? ORDER BY created_at, id LIMIT 1').get(name.trim()) as { id: string } | undefined;
  return row?.id ?? null;
}

/**
 * The staff member of that name, added to the staff list when there is none: an ordinary write (it travels
 * in change packages), made in the caller's transaction, so that a visit and its new staff member are
 * stored together or not at all.
 */
export function staffFor(ctx: WriteContext, name: string): string {
  return staffNamed(ctx.db, name) ?? insertRow(ctx, 'staff', { name: name.trim(), role: 'investment' });
}
