import { z } from 'zod';
import { handler, readHandler, slice } from '../handler';
import { requiredText } from '../fields';

/**
 * Saved grid views: a name with the grid's filters, sort and columns, per registry. They are the
 * office's shared presets for this database, kept in the settings table as one JSON list per grid
 * (no table of their own: they are preferences, not records, and have no history).
 */
const area = z.enum(['enterprises', 'incubations', 'leads', 'targets']);
const columnState = z.strictObject({ colId: z.string().max(64), hide: z.boolean().optional(), width: z.number().int().min(20).max(2000).optional(), pinned: z.enum(['left', 'right']).nullish() });
export const viewState = z.strictObject({
  /** The grid's filter model, as the grid's rows handler takes it (validated there when used). */
  filter: z.record(z.string().max(64), z.unknown()).default({}),
  sort: z.array(z.strictObject({ colId: z.string().max(64), sort: z.enum(['asc', 'desc']) })).max(3).default([]),
  columns: z.array(columnState).max(100).default([]),
});
export type SavedView = { name: string } & z.output<typeof viewState>;

const key = (a: string) => `grid_views:${a}`;

function read(db: import('../db/open').Db, a: string): SavedView[] {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key(a)) as { value: string } | undefined;
  if (!row) return [];
  try {
    return JSON.parse(row.value) as SavedView[];
  } catch {
    return [];
  }
}

function write(db: import('../db/open').Db, a: string, views: SavedView[]): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key(a), JSON.stringify(views));
}

export const viewsHandlers = slice('views', {
  list: readHandler(z.strictObject({ area }), (ctx, { area: a }) => read(ctx.db, a)),
  /** Saves a view under its name; a view of the same name is replaced. Views stay sorted by name. */
  save: handler(z.strictObject({ area, name: requiredText.pipe(z.string().max(60)), state: viewState }), (ctx, { area: a, name, state }) => {
    const views = read(ctx.db, a).filter((v) => v.name !== name);
    views.push({ name, ...state });
    views.sort((x, y) => x.name.localeCompare(y.name, 'zh-CN'));
    write(ctx.db, a, views);
    return views;
  }),
  delete: handler(z.strictObject({ area, name: z.string().max(60) }), (ctx, { area: a, name }) => {
    const views = read(ctx.db, a).filter((v) => v.name !== name);
    write(ctx.db, a, views);
    return views;
  }),
});
