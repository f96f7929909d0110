import { handlers } from '../api';
import { prepared, type Db } from '../db/open';
import { deferIndexes, worthDeferring } from '../db/deferred-indexes';
import { deleteRow, readLive, transact, transactAsync, updateRow, type Row } from '../db/write';
import { AppError, formatMessage, type FieldIssue, type Locale } from '../errors';
import type { CoreContext, Handler } from '../handler';
import { headerKey, headerUnit, importFields, labelIndex, matchField, type ImportEntity } from './fields';
import { leadStages } from '../leads/pipeline';
import { isBlank, parseDate, parseNumber, parseText, parseUscc, type Parsed } from './normalize';
import type { Cell, Table } from './read';

/**
 * Spreadsheet rows into the registry. Every input row ends up created, updated (merged), skipped or
 * rejected with its reasons. The import runs in one transaction through the entity's own create and
 * update handlers (so every rule applies), tagged with a batch id so it can be reverted in one step.
 * A dry run is the very same run, rolled back: its counts are exactly what the import will do.
 */
export type ImportMode = 'create' | 'update' | 'upsert';
export type RowAction = 'create' | 'update' | 'skip' | 'reject';

export interface ImportOptions {
  entity: ImportEntity;
  mode: ImportMode;
  dryRun: boolean;
  fileName: string;
  /** Column index → field ('' ignores the column); missing columns are mapped from their headers. */
  mapping?: Record<number, string>;
  /** 1-based spreadsheet row of the header; found automatically when absent. */
  headerRow?: number;
  /** Per-row choice (1-based spreadsheet row) overriding the mode: create, update or skip. */
  overrides?: Record<number, 'create' | 'update' | 'skip'>;
  locale: Locale;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ImportColumn {
  index: number;
  header: string;
  field: string;
}

export interface ImportReport {
  entity: ImportEntity;
  mode: ImportMode;
  dryRun: boolean;
  sheet: string;
  sheets: string[];
  encoding?: string;
  headerRow: number;
  columns: ImportColumn[];
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: { row: number; reasons: string[] }[];
  /** The first rows with what happens to them, for the dry-run preview. */
  preview: { row: number; action: RowAction; name: string; reasons: string[] }[];
  batchId: string | null;
}

/** Columns an import looks existing rows up by (findExisting, the rules): their indexes stay. */
const LOOKUP_COLUMNS: Record<ImportEntity, string[]> = { enterprises: ['name', 'uscc', 'id'], leads: ['company', 'uscc', 'enterprise_id', 'id'], incubations: ['team_name', 'enterprise_id', 'id'] };
const NAME_FIELD: Record<ImportEntity, string> = { enterprises: 'name', leads: 'company', incubations: 'team_name' };
const TABLE: Record<ImportEntity, 'enterprises' | 'leads' | 'incubations'> = { enterprises: 'enterprises', leads: 'leads', incubations: 'incubations' };

/**
 * The header row: of the top 30 rows, the one whose cells name the most known fields (by their
 * usual headers, or headers the user mapped before); the earliest wins a tie.
 */
export function findHeaderRow(db: Db, entity: ImportEntity, rows: Cell[][]): number {
  const remembered = rememberedMapping(db, entity);
  let best = -1;
  let bestHits = 0;
  for (let i = 0; i < Math.min(rows.length, 30); i++) {
    const hits = (rows[i] ?? []).filter((c) => typeof c === 'string' && (matchField(entity, c) || remembered[headerKey(c)])).length;
    if (hits > bestHits) {
      best = i;
      bestHits = hits;
    }
  }
  if (best < 0) throw new AppError('import_no_header');
  return best + 1;
}

const mappingKey = (entity: ImportEntity) => `import.mapping.${entity}`;

/** Header → field choices the user corrected before, per entity. */
function rememberedMapping(db: Db, entity: ImportEntity): Record<string, string> {
  const raw = (db.prepare('SELECT value FROM settings WHERE key = ?').get(mappingKey(entity)) as { value: string } | undefined)?.value;
  return raw ? (JSON.parse(raw) as Record<string, string>) : {};
}

export function mapColumns(db: Db, entity: ImportEntity, header: Cell[], given: Record<number, string> = {}): ImportColumn[] {
  const remembered = rememberedMapping(db, entity);
  const fields = importFields[entity];
  const used = new Set<string>();
  return header.map((cell, index) => {
    const text = parseText(cell);
    let field = given[index] ?? remembered[headerKey(text)] ?? matchField(entity, text) ?? '';
    if (field && (!fields[field] || used.has(field))) field = '';
    if (field) used.add(field);
    return { index, header: text, field };
  });
}

export async function runImport(ctx: CoreContext, table: Table, options: ImportOptions): Promise<ImportReport> {
  const { entity } = options;
  const headerRow = options.headerRow ?? findHeaderRow(ctx.db, entity, table.rows);
  const columns = mapColumns(ctx.db, entity, table.rows[headerRow - 1] ?? [], options.mapping);
  const fields = importFields[entity];
  const indexes = new Map<string, Map<string, string>>();
  const lookup = (field: string) => {
    if (!indexes.has(field)) indexes.set(field, labelIndex(ctx.db, fields[field]!));
    return indexes.get(field)!;
  };
  const t = (code: string, params: Record<string, string | number> = {}) => formatMessage(code as never, params, options.locale);

  // 1. Normalise every data row into field values, or reasons.
  type Prepared = { row: number; values: Row; reasons: string[]; key: { uscc?: string; name?: string } };
  const prepared: Prepared[] = [];
  const dataRows = table.rows.slice(headerRow);
  for (let i = 0; i < dataRows.length; i++) {
    const cells = dataRows[i]!;
    if (cells.every(isBlank)) continue;
    const row = headerRow + i + 1;
    const values: Row = {};
    const reasons: string[] = [];
    for (const col of columns) {
      if (!col.field) continue;
      const spec = fields[col.field]!;
      const cell = cells[col.index] ?? null;
      if (isBlank(cell)) continue;
      const label = col.header || col.field;
      const parsed: Parsed<unknown> = (() => {
        switch (spec.kind) {
          case 'date': return parseDate(cell);
          case 'money': return parseNumber(cell, { money: headerUnit(col.header) });
          case 'int': return parseNumber(cell, { integer: true });
          case 'number': return parseNumber(cell);
          case 'uscc': return parseUscc(cell);
          case 'text': return { value: parseText(cell) };
          default: {
            const code = lookup(col.field).get(parseText(cell).toLowerCase());
            return code ? { value: code } : { problem: spec.kind === 'enum' || spec.kind === 'industry' || spec.kind === 'stage' ? 'import_enum' : 'import_unknown_ref', params: { value: parseText(cell) } };
          }
        }
      })();
      if ('problem' in parsed) reasons.push(t(parsed.problem, { field: label, ...parsed.params }));
      else values[col.field] = parsed.value;
    }
    for (const [field, spec] of Object.entries(fields)) {
      if (spec.required && values[field] == null) reasons.push(t('import_missing', { field: columns.find((c) => c.field === field)?.header || field }));
    }
    const name = (values[NAME_FIELD[entity]] ?? (entity === 'incubations' ? values.enterprise_id : undefined)) as string | undefined;
    prepared.push({ row, values, reasons, key: { uscc: values.uscc as string | undefined, name } });
    if (i % 2000 === 0) {
      options.onProgress?.(i, dataRows.length * 2);
      await new Promise((r) => setImmediate(r));
      if (options.signal?.aborted) throw new AppError('cancelled');
    }
  }

  // 2. Duplicates inside the file: by credit code, then by exact name; the first occurrence wins.
  const seenUscc = new Map<string, number>();
  const seenName = new Map<string, number>();
  for (const p of prepared) {
    if (p.reasons.length) continue;
    const byUscc = p.key.uscc ? seenUscc.get(p.key.uscc) : undefined;
    const byName = p.key.name ? seenName.get(p.key.name) : undefined;
    if (byUscc) p.reasons.push(t('import_duplicate_row', { row: byUscc, by: options.locale === 'en' ? 'credit code' : '统一社会信用代码' }));
    else if (byName) p.reasons.push(t('import_duplicate_row', { row: byName, by: options.locale === 'en' ? 'name' : '名称' }));
    if (p.key.uscc && !byUscc) seenUscc.set(p.key.uscc, p.row);
    if (p.key.name && !byName) seenName.set(p.key.name, p.row);
  }

  // 3. Apply, in one transaction (rolled back for a dry run), through the entity's own handlers.
  const report: ImportReport = {
    entity, mode: options.mode, dryRun: options.dryRun, sheet: table.sheet, sheets: table.sheets, encoding: table.encoding, headerRow, columns,
    rows: prepared.length, created: 0, updated: 0, skipped: 0, rejected: [], preview: [], batchId: null,
  };
  const batchId = ctx.ids();
  const importCtx: CoreContext = { ...ctx, batch: batchId, snapshotInserts: true };
  const create = handlers[`${entity}.create`] as Handler;
  const update = handlers[`${entity}.update`] as Handler;
  const DRY_RUN = Symbol('dry run');
  // Large files into small tables: secondary indexes are rebuilt once after the rows are in (see deferred-indexes.ts).
  const bulk = worthDeferring(ctx.db, TABLE[entity], prepared.length);
  try {
    await transactAsync(importCtx, async (pause) => {
      const deferred = bulk ? deferIndexes(ctx.db, TABLE[entity], LOOKUP_COLUMNS[entity]) : null;
      for (let n = 0; n < prepared.length; n++) {
        const p = prepared[n]!;
        let action: RowAction = 'reject';
        let reasons = p.reasons;
        if (!reasons.length) {
          const match = findExisting(ctx.db, entity, p.values);
          const wanted = options.overrides?.[p.row] ?? (match ? (options.mode === 'create' ? 'skip-existing' : 'update') : options.mode === 'update' ? 'skip-missing' : 'create');
          try {
            if (wanted === 'skip' || wanted === 'skip-existing' || wanted === 'skip-missing') {
              action = 'skip';
              reasons = [wanted === 'skip' ? t('import_skipped') : wanted === 'skip-existing' ? t('import_exists', { name: match?.name ?? '' }) : t('import_not_found')];
            } else if (wanted === 'update' && match) {
              applyRow(update, importCtx, { id: match.id, patch: p.values });
              action = 'update';
            } else {
              applyRow(create, importCtx, { ...createDefaults(ctx.db, entity, p.values), ...p.values });
              action = 'create';
            }
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            action = 'reject';
            reasons = reasonsOf(err, options.locale, columns);
          }
        }
        if (action === 'create') report.created++;
        else if (action === 'update') report.updated++;
        else if (action === 'skip') report.skipped++;
        else report.rejected.push({ row: p.row, reasons });
        if (report.preview.length < 200) report.preview.push({ row: p.row, action, name: String(p.values[NAME_FIELD[entity]] ?? p.values.enterprise_id ?? ''), reasons });
        if (n % 1000 === 999) {
          options.onProgress?.(prepared.length + n, prepared.length * 2);
          await pause();
          if (options.signal?.aborted) throw new AppError('cancelled');
        }
      }
      deferred?.rebuild();
      if (options.dryRun) throw DRY_RUN;
      ctx.db
        .prepare('INSERT INTO import_batches (id, entity, file_name, mode, rows, created, updated, skipped, rejected, user, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(batchId, entity, options.fileName, options.mode, report.rows, report.created, report.updated, report.skipped, report.rejected.length, ctx.user, new Date().toISOString());
      const remembered = rememberedMapping(ctx.db, entity);
      for (const c of columns) if (c.header) remembered[headerKey(c.header)] = c.field;
      ctx.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(mappingKey(entity), JSON.stringify(remembered));
    });
    report.batchId = batchId;
  } catch (err) {
    if (err !== DRY_RUN) throw err;
  }
  options.onProgress?.(1, 1);
  return report;
}

/** What a new record gets for required fields the spreadsheet does not carry. */
function createDefaults(db: Db, entity: ImportEntity, values: Row): Row {
  if (entity === 'enterprises') return { kind: 'startup', status: values.exit_date ? 'exited' : 'settled' };
  if (entity === 'leads') return { source: 'other', stage: leadStages(db).find((s) => s.kind === 'open')?.id ?? 'promoted' };
  return { stage: values.exit_date ? 'graduated' : values.admitted_date ? 'incubating' : 'applied' };
}

/**
 * One row through a handler. Handlers raise their AppErrors (input, rules, not found) before they
 * write anything, so a rejected row leaves nothing behind without a savepoint per row; any other error
 * (the disk, the database) is not a row's fault and aborts the whole import.
 */
function applyRow(h: Handler, ctx: CoreContext, input: unknown): void {
  const parsed = h.input.safeParse(input);
  if (!parsed.success) {
    const fields: FieldIssue[] = parsed.error.issues.map((i) => ({ field: String(i.path.at(-1) ?? ''), code: 'invalid_input', params: { detail: i.message } }));
    throw new AppError('invalid_input', { detail: fields.map((f) => f.field).join(', ') }, fields);
  }
  h.run(ctx, parsed.data);
}

function reasonsOf(err: unknown, locale: Locale, columns: ImportColumn[]): string[] {
  if (err instanceof AppError) {
    const payload = err.toPayload(locale);
    if (payload.fields?.length) return payload.fields.map((f) => `${columns.find((c) => c.field === f.field)?.header || f.field}: ${f.message}`);
    return [payload.message];
  }
  return [err instanceof Error ? err.message : String(err)];
}

/** The live record a row is: same credit code first, then the same name. */
function findExisting(db: Db, entity: ImportEntity, values: Row): { id: string; name: string } | undefined {
  const table = TABLE[entity];
  if (entity === 'incubations') {
    if (values.enterprise_id) return db.prepare("SELECT i.id, e.name FROM incubations i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.deleted = 0 AND i.enterprise_id = ?").get(values.enterprise_id) as never;
    if (values.team_name) return db.prepare('SELECT id, team_name AS name FROM incubations WHERE deleted = 0 AND team_name = ?').get(values.team_name) as never;
    return undefined;
  }
  const nameCol = NAME_FIELD[entity];
  if (values.uscc) {
    const hit = prepared(db, `SELECT id, ${nameCol} AS name FROM ${table} WHERE deleted = 0 AND uscc = ?`).get(values.uscc) as { id: string; name: string } | undefined;
    if (hit) return hit;
  }
  return prepared(db, `SELECT id, ${nameCol} AS name FROM ${table} WHERE deleted = 0 AND ${nameCol} = ?`).get(values[nameCol]) as never;
}

/**
 * Undoes an import: rows it created are deleted (tombstones), fields it changed get their old values
 * back — all through the write path, so the revert is itself in the history.
 */
export function revertImport(ctx: CoreContext, batchId: string): { deleted: number; restored: number } {
  const batch = ctx.db.prepare('SELECT entity, reverted_at FROM import_batches WHERE id = ?').get(batchId) as { entity: ImportEntity; reverted_at: string | null } | undefined;
  if (!batch) throw new AppError('not_found');
  if (batch.reverted_at) throw new AppError('import_reverted', { date: batch.reverted_at.slice(0, 10) });
  const changes = ctx.db.prepare('SELECT tbl, row_id, field, old_value FROM changes WHERE batch = ? ORDER BY stamp, seq').all(batchId) as { tbl: string; row_id: string; field: string; old_value: string | null }[];
  return transact(ctx, () => {
    const created = new Set<string>();
    const restore = new Map<string, Row>();
    const table = TABLE[batch.entity];
    for (const c of changes) {
      if (c.tbl !== table) continue;
      const first = ctx.db.prepare('SELECT batch FROM changes WHERE tbl = ? AND row_id = ? ORDER BY stamp, seq LIMIT 1').get(c.tbl, c.row_id) as { batch: string | null };
      if (first.batch === batchId) created.add(c.row_id);
      else {
        const patch = restore.get(c.row_id) ?? {};
        if (!(c.field in patch)) patch[c.field] = c.old_value === null ? null : JSON.parse(c.old_value);
        restore.set(c.row_id, patch);
      }
    }
    let deleted = 0;
    for (const id of created) {
      if ((ctx.db.prepare(`SELECT deleted FROM ${table} WHERE id = ?`).get(id) as { deleted: number }).deleted === 0) {
        deleteRow(ctx, table, id);
        deleted++;
      }
    }
    for (const [id, patch] of restore) {
      readLive(ctx.db, table, id);
      updateRow(ctx, table, id, patch);
    }
    ctx.db.prepare('UPDATE import_batches SET reverted_at = ? WHERE id = ?').run(new Date().toISOString(), batchId);
    return { deleted, restored: restore.size };
  });
}
