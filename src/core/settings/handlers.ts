import { z } from 'zod';
import { prepared, type Db } from '../db/open';
import { handler, readHandler, slice } from '../handler';

/**
 * Office settings kept in the database, so every shell and the CLI agree: the park's name (report
 * covers, the window title) and the person working at this computer, whose name the change log
 * records for each edit (until the office hub brings sign-in).
 */
export const PARK_NAME = 'park.name';
export const CURRENT_USER = 'user.name';

export function readSetting(db: Db, key: string): string | null {
  return (prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
}

function writeSetting(db: Db, key: string, value: string | null): void {
  if (value === null) prepared(db, 'DELETE FROM settings WHERE key = ?').run(key);
  else prepared(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Blank means "not set" (the defaults apply again). */
const name = z.string().trim().max(100).nullable().transform((v) => (v ? v : null));

export const settingsHandlers = slice('settings', {
  get: readHandler(z.strictObject({}), (ctx) => ({ parkName: readSetting(ctx.db, PARK_NAME), currentUser: readSetting(ctx.db, CURRENT_USER) })),
  update: handler(z.strictObject({ parkName: name.optional(), currentUser: name.optional() }), (ctx, input) => {
    if (input.parkName !== undefined) writeSetting(ctx.db, PARK_NAME, input.parkName);
    if (input.currentUser !== undefined) writeSetting(ctx.db, CURRENT_USER, input.currentUser);
    ctx.version.value++;
    return { parkName: readSetting(ctx.db, PARK_NAME), currentUser: readSetting(ctx.db, CURRENT_USER) };
  }),
});
