import { z } from 'zod';
import { AppError, type FieldIssue } from './errors';
import { handler, readHandler, type CoreContext } from './handler';
import { GridRunner, gridRequestSchema, type GridView } from './grid/query';
import type { TableName } from './db/tables';
import { prepared } from './db/open';
import { decodeRow, deleteRow, insertRow, readLive, restoreRow, rowHistory, transact, updateRow, type Row } from './db/write';
import type { BaseRow } from './registry/field';

/** A record of an area as it reads back: each input field's type (JSON decoded), plus id and stamps. */
export type EntityRow<F extends z.ZodRawShape> = { [K in keyof F]: Exclude<z.output<F[K]>, undefined> } & BaseRow;
/** A grid row: the record plus the columns its view joins or computes (names, the last-changed stamp). */
export type GridRow<F extends z.ZodRawShape> = EntityRow<F> & Record<string, unknown>;

/**
 * The handlers every registry area has — get, create, update, delete, rows (grid page), history —
 * built from its field schema, its rules and its grid view. Areas add their own handlers beside these.
 */
export interface EntityDef<T extends TableName, F extends z.ZodRawShape> {
  table: T;
  fields: F;
  /** Cleans values before checks (e.g. USCC upper-cased); gets the merged row on update. */
  prepare?: (values: Row) => Row;
  /** Domain checks over the whole row as it would be stored; `id` and the stored row `before` are set on update and restore. */
  rules?: (ctx: CoreContext, row: Row, id?: string, before?: Row) => FieldIssue[];
  /** Checks before a tombstone, e.g. still referenced. */
  beforeDelete?: (ctx: CoreContext, id: string) => void;
  /** Runs in the same transaction after a create (before = null) or an update that changed fields. */
  onChange?: (ctx: CoreContext, id: string, before: Row | null, after: Row) => void;
  view: GridView;
}

export function entityHandlers<T extends TableName, F extends z.ZodRawShape>(def: EntityDef<T, F>) {
  type Entity = EntityRow<F>;
  const createSchema = z.strictObject(def.fields);
  // Rows leave the database untyped; the table's columns are the registry's fields, so this is their type.
  const live = (ctx: CoreContext, id: string) => readLive(ctx.db, def.table, id) as Entity;
  const grid = new GridRunner<GridRow<F>>(def.view, (r) => decodeRow(def.table, r) as GridRow<F>);
  // A record as its grid row reads it: the table's columns and the view's joined fields (an incubation's
  // enterprise name, a lead's owner). The drawer shows what get, create, update and restore answer, and
  // its heading and read-only fields are view fields; the table row alone left them blank.
  const viewAlias = def.view.rowid.replace(/\.rowid$/, '');
  const viewed = (ctx: CoreContext, id: string): GridRow<F> => {
    const row = prepared(ctx.db, `SELECT ${def.view.select} FROM ${def.view.from} WHERE ${viewAlias}.id = ? AND ${def.view.where}`).get(id) as Row | undefined;
    if (!row) throw new AppError('not_found');
    return decodeRow(def.table, row) as GridRow<F>;
  };
  const check = (ctx: CoreContext, row: Row, id?: string, before?: Row) => {
    const issues = def.rules?.(ctx, row, id, before) ?? [];
    if (issues.length) throw new AppError('invalid_input', { detail: issues.map((i) => i.field).join(', ') }, issues);
  };
  return {
    get: readHandler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => viewed(ctx, id)),
    create: handler(createSchema, (ctx, input) => {
      const values = def.prepare ? def.prepare(input as Row) : (input as Row);
      check(ctx, values);
      return transact(ctx, () => {
        const id = insertRow(ctx, def.table, values);
        // A bulk load (an import) never reads the answer: skip reading the row back unless onChange needs it.
        if (ctx.snapshotInserts && !def.onChange) return { id } as Entity;
        const after = live(ctx, id);
        def.onChange?.(ctx, id, null, after);
        return ctx.snapshotInserts ? (after as GridRow<F>) : viewed(ctx, id);
      });
    }),
    update: handler(z.strictObject({ id: z.uuid(), patch: createSchema.partial() }), (ctx, { id, patch }) => {
      const before = readLive(ctx.db, def.table, id);
      const merged = { ...before, ...(patch as Row) };
      const prepared = def.prepare ? def.prepare(merged) : merged;
      check(ctx, prepared, id, before);
      const cleanPatch = Object.fromEntries(Object.keys(patch).map((k) => [k, prepared[k]]));
      return transact(ctx, () => {
        const changed = updateRow(ctx, def.table, id, cleanPatch);
        const after = live(ctx, id);
        if (changed.length) def.onChange?.(ctx, id, before, after);
        return { row: ctx.snapshotInserts ? (after as GridRow<F>) : viewed(ctx, id), changed };
      });
    }),
    delete: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => {
      def.beforeDelete?.(ctx, id);
      deleteRow(ctx, def.table, id);
      return { id };
    }),
    /** Undo of a delete: clears the tombstone through the write path (logged like any change). */
    restore: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => {
      const row = ctx.db.prepare(`SELECT * FROM ${def.table} WHERE id = ? AND deleted = 1`).get(id) as Row | undefined;
      if (!row) throw new AppError('not_found');
      const stored = decodeRow(def.table, row);
      check(ctx, stored, id, stored);
      restoreRow(ctx, def.table, id);
      return viewed(ctx, id);
    }),
    rows: readHandler(gridRequestSchema, (ctx, req) => grid.run(ctx.db, req, ctx.version.value)),
    history: readHandler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => rowHistory(ctx.db, def.table, id)),
  };
}

/**
 * A rules helper: the day fields written now that are after the database's today (日期不能晚于今天). A day
 * is checked when it is written (a new record, or an edit that changes it), not on every later edit of its
 * record: a day stored earlier stays as it is when the database's today moves back (a demo switched from
 * today to its own last day) or came from a copy whose clock ran ahead, and the record stays editable.
 */
export function futureDayIssues(ctx: CoreContext, row: Row, before: Row | undefined, fields: readonly string[]): FieldIssue[] {
  const today = ctx.today();
  return fields.filter((f) => row[f] && String(row[f]) > today && row[f] !== before?.[f]).map((field) => ({ field, code: 'date_in_future' as const }));
}

/** A rules helper: the referenced live row exists. */
export function refExists(ctx: CoreContext, table: TableName, id: unknown): boolean {
  if (id == null) return true;
  return !!prepared(ctx.db, `SELECT 1 FROM ${table} WHERE id = ? AND deleted = 0`).get(id);
}
