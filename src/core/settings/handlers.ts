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
/** The demo database's last day of history (written by seedDemo; older demo files: the data set's end). */
export const DEMO_UNTIL = 'demo.until';
/** 'today' when the user chose to run a demo database on the real date instead of its last day. */
export const DEMO_DAY = 'demo.day';
const DEMO_DATASET_END = '2021-12-31';

/**
 * The day a demo database lives on: its own last day of history, so that it makes sense when it is
 * opened years later (follow-ups are not all overdue, the report page offers its last full year, a
 * stage move is dated inside its history). Null for real data, or when the user switched to today.
 */
export function demoDay(db: Db): string | null {
  if (readSetting(db, 'dataset') !== 'demo' || readSetting(db, DEMO_DAY) === 'today') return null;
  return readSetting(db, DEMO_UNTIL) ?? DEMO_DATASET_END;
}

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
  update: handler(z.strictObject({ parkName: name.optional(), currentUser: name.optional(), demoOnToday: z.boolean().optional() }), (ctx, input) => {
    // The park's name is shared through the office hub: only an administrator changes it there.
    if (input.parkName !== undefined) ctx.guard?.('settings', 'update');
    if (input.parkName !== undefined) writeSetting(ctx.db, PARK_NAME, input.parkName);
    if (input.currentUser !== undefined) writeSetting(ctx.db, CURRENT_USER, input.currentUser);
    if (input.demoOnToday !== undefined) writeSetting(ctx.db, DEMO_DAY, input.demoOnToday ? 'today' : null);
    ctx.version.value++;
    return { parkName: readSetting(ctx.db, PARK_NAME), currentUser: readSetting(ctx.db, CURRENT_USER) };
  }),
});
