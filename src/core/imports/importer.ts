import { rmSync } from 'node:fs';
import { enterprisesHandlers } from '../enterprises/handlers';
import { enterpriseWithUscc } from '../enterprises/uscc-holder';
import { incubationsHandlers } from '../incubation/handlers';
import { leadsHandlers } from '../leads/handlers';
import { dispatch } from '../dispatch';
import { prepared, type Db } from '../db/open';
import { deferIndexes, releaseTempDatabase, tableRows, worthDeferring } from '../db/deferred-indexes';
import { batchEnterpriseMonths } from '../db/aggregates';
import { deleteRow, readLive, transact, transactAsync, updateRow, type Row } from '../db/write';
import { AppError, formatMessage, type ErrorCode, type Locale } from '../errors';
import type { CoreContext, Handler } from '../handler';
import { headerKey, importFields, matchField, type ImportEntity } from './fields';
import { parseText } from './normalize';
import type { Cell, SourceRow, TableSource } from './source';
import { mergeContacts, type Contact } from './contacts';
import { checkPlan, planTravels } from './check-plan';
import { importNameField, reasonsOf, rowChecker, type CheckPlan, type ImportColumn } from './row-check';
import { SCRATCH, SeenKeys, attachScratch } from './seen-keys';
import { heapKeeper, withImportCache } from './import-memory';

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
  /** Hears each rejected row with its cells and reasons, e.g. to keep them for the correction workbook. */
  onRejected?: (row: number, cells: Cell[], reasons: string[]) => void;
  signal?: AbortSignal;
  /** A file the import may use as scratch space (for the in-file dedupe of a long file); deleted after. */
  scratchPath?: string;
}

export type { ImportColumn };

export interface ImportReport {
  entity: ImportEntity;
  mode: ImportMode;
  dryRun: boolean;
  sheet: string;
  sheets: string[];
  encoding?: string;
  headerRow: number;
  columns: ImportColumn[];
  /** Every field a column may be mapped to (the mapping's choices), in the registry's reading order. */
  fields: string[];
  /** Headers of the file's columns that land in no field: named so that nothing is dropped unseen. */
  unmapped: string[];
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: { row: number; reasons: string[] }[];
  /** The first rows with what happens to them, for the dry-run preview. */
  preview: { row: number; action: RowAction; name: string; reasons: string[] }[];
  /**
   * Rows that are a record the database already has (same credit code, or else the same name): where
   * the user may choose, row by row, to update it, skip the row or create anyway. The first 1,000.
   */
  matches: { row: number; name: string; existing: string; action: RowAction; chosen?: 'create' | 'update' | 'skip' }[];
  batchId: string | null;
}

/** Columns an import looks existing rows up by (findExisting, the rules): their indexes stay. */
const LOOKUP_COLUMNS: Record<ImportEntity, string[]> = { enterprises: ['name', 'uscc', 'id'], leads: ['company', 'uscc', 'enterprise_id', 'id'], incubations: ['team_name', 'enterprise_id', 'id'] };
const NAME_FIELD: Record<ImportEntity, string> = { enterprises: importNameField('enterprises'), leads: importNameField('leads'), incubations: importNameField('incubations') };
const TABLE: Record<ImportEntity, 'enterprises' | 'leads' | 'incubations'> = { enterprises: 'enterprises', leads: 'leads', incubations: 'incubations' };
const SLICES = { enterprises: enterprisesHandlers, leads: leadsHandlers, incubations: incubationsHandlers };

/** Rows of the file read before the header is chosen: the header is one of these. */
const HEADER_SEARCH_ROWS = 30;
/** Rows read, then settled, between two yields of the import's transaction. */
const CHUNK_ROWS = 1_000;

/**
 * The header row: of the top 30 rows, the one whose cells name the most known fields (by their
 * usual headers, or headers the user mapped before); the earliest wins a tie.
 */
export function findHeaderRow(db: Db, entity: ImportEntity, rows: SourceRow[]): number {
  const remembered = rememberedMapping(db, entity);
  let best = -1;
  let bestHits = 0;
  for (const { row, cells } of rows) {
    if (row > HEADER_SEARCH_ROWS) break;
    const hits = cells.filter((c) => typeof c === 'string' && (matchField(entity, c) || remembered[headerKey(c)])).length;
    if (hits > bestHits) {
      best = row;
      bestHits = hits;
    }
  }
  if (best < 0) throw new AppError('import_no_header');
  return best;
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

/**
 * Reads the source a chunk of 1,000 rows at a time and settles each chunk (normalise, dedupe, apply)
 * inside one transaction that yields between chunks. Nothing but the report and the rejected rows'
 * cells is kept, so memory stays flat however long the file.
 */
export async function runImport(ctx: CoreContext, source: TableSource, options: ImportOptions): Promise<ImportReport> {
  const { entity } = options;
  const report: ImportReport = {
    entity, mode: options.mode, dryRun: options.dryRun, sheet: '', sheets: [], encoding: source.encoding, headerRow: 0, columns: [], fields: Object.keys(importFields[entity]), unmapped: [],
    rows: 0, created: 0, updated: 0, skipped: 0, rejected: [], preview: [], matches: [], batchId: null,
  };
  const batchId = ctx.ids();
  const importCtx: CoreContext = { ...ctx, batch: batchId, snapshotInserts: true };
  const table = TABLE[entity];
  const rowsBefore = tableRows(ctx.db, table);
  const logBefore = tableRows(ctx.db, 'changes');
  const progress = () => options.onProgress?.(Math.round(source.fraction * 900), 1000);
  const DRY_RUN = Symbol('dry run');
  // A scratch file for the in-file dedupe of a long file (seen-keys.ts), in this process's folder.
  const scratchPath = options.scratchPath;
  const detach = scratchPath && !ctx.db.inTransaction ? attachScratch(ctx.db, scratchPath) : null;
  // So that the index rebuild at its end can sort through a file (deferred-indexes.ts); a dry run rebuilds nothing.
  if (!options.dryRun && releaseTempDatabase(ctx.db)) ctx.version.value++;
  // A long file's rows are checked on a thread of their own (check-thread.ts), started now so that it
  // loads while the header is found; it gets the import's plan once the columns are known.
  const checkThread = source.checkOnThread?.() ?? null;
  let months: ReturnType<typeof batchEnterpriseMonths> | null = null;
  try {
    // A smaller SQLite page cache, and V8's old generation collected as the rows go in (import-memory.ts).
    const keepHeap = heapKeeper();
    await withImportCache(ctx.db, () => transactAsync(importCtx, async (pause) => {
      // The Overview's enterprise_months counts, summed per chunk and written before each yield (aggregates.ts).
      months = batchEnterpriseMonths(ctx.db);
      const top: SourceRow[] = [];
      // The header is chosen from the top rows; then those below it are settled, and every row after.
      const start = (): ((r: SourceRow) => void) => {
        report.headerRow = options.headerRow ?? findHeaderRow(ctx.db, entity, top);
        report.columns = mapColumns(ctx.db, entity, top.find((r) => r.row === report.headerRow)?.cells ?? [], options.mapping);
        report.unmapped = report.columns.filter((c) => c.header && !c.field).map((c) => c.header);
        const plan = checkPlan(ctx.db, entity, report.columns, options.locale);
        if (checkThread && planTravels(plan)) checkThread.plan(plan);
        else checkThread?.stop(); // never used: its ~30 MB go now, not at the end of the rows
        const settle = rowSettler(importCtx, report, options, plan);
        for (const r of top) if (r.row > report.headerRow) settle(r);
        return settle;
      };
      let settle: ((r: SourceRow) => void) | null = null;
      let deferred = null as { rebuild(): void } | null; // (set inside afterChunk)
      let deferredLog = null as { rebuild(): void } | null;
      // Each row is settled as it arrives (the reader hands rows over as encoded text and makes each one
      // into objects only now), so a row's objects die young, before V8 would promote them.
      const settleRow = (r: SourceRow) => {
        // A rejected row's AppError is an answer, not a fault: capturing a stack trace for each of
        // them was a tenth of a large import's time. (Other errors abort the import with their message.)
        const stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          if (settle) settle(r);
          else if (r.row <= HEADER_SEARCH_ROWS) top.push(r);
          else (settle = start())(r);
        } finally {
          Error.stackTraceLimit = stackTraceLimit;
        }
      };
      // Every CHUNK_ROWS rows: the index decision, progress, a yield to the event loop, cancel.
      const afterChunk = async () => {
        // Large files into small tables: secondary indexes are rebuilt once after the rows are in
        // (see deferred-indexes.ts); the rows already written are part of that rebuild. The same for
        // the change log's indexes (one entry per created row): nothing reads them during an import.
        const incoming = report.rows / Math.max(source.fraction, 1e-6);
        if (!deferred && worthDeferring(rowsBefore, incoming)) deferred = deferIndexes(ctx.db, table, LOOKUP_COLUMNS[entity]);
        if (!deferredLog && worthDeferring(logBefore, incoming)) deferredLog = deferIndexes(ctx.db, 'changes', []);
        months!.flush();
        progress();
        keepHeap();
        await pause();
        if (options.signal?.aborted) throw new AppError('cancelled');
      };
      let inChunk = 0;
      for await (const r of source.rows) {
        settleRow(r);
        if (++inChunk === CHUNK_ROWS) {
          inChunk = 0;
          await afterChunk();
        }
      }
      await afterChunk();
      if (options.signal?.aborted) throw new AppError('cancelled'); // the reader stops short when cancelled
      if (!settle) start();
      months!.flush();
      report.sheet = source.sheet;
      report.sheets = source.sheets;
      // A dry run rolls back, which brings the indexes back as they were: no rebuild needed.
      if (options.dryRun) throw DRY_RUN;
      options.onProgress?.(950, 1000);
      deferred?.rebuild();
      deferredLog?.rebuild();
      ctx.db
        .prepare('INSERT INTO import_batches (id, entity, file_name, mode, rows, created, updated, skipped, rejected, user, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(batchId, entity, options.fileName, options.mode, report.rows, report.created, report.updated, report.skipped, report.rejected.length, ctx.user, new Date().toISOString());
      const remembered = rememberedMapping(ctx.db, entity);
      for (const c of report.columns) if (c.header) remembered[headerKey(c.header)] = c.field;
      ctx.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(mappingKey(entity), JSON.stringify(remembered));
    }));
    report.batchId = batchId;
  } catch (err) {
    if (err !== DRY_RUN) throw err;
  } finally {
    checkThread?.stop(); // also when the import failed before its rows were read
    (months as ReturnType<typeof batchEnterpriseMonths> | null)?.end();
    detach?.();
    if (scratchPath) rmSync(scratchPath, { force: true });
  }
  options.onProgress?.(1, 1);
  return report;
}

/**
 * What happens to each data row, in file order: its cells normalised into field values (or reasons),
 * a duplicate of an earlier row rejected (by credit code, then exact name; the first one wins), then
 * created, merged or skipped through the entity's own handlers. Tallies into `report`.
 */
function rowSettler(ctx: CoreContext, report: ImportReport, options: ImportOptions, plan: CheckPlan): (r: SourceRow) => void {
  const { entity } = options;
  // Normalising and the create schema: done on the check thread for most rows of a long file (r.checked).
  const check = rowChecker(plan);
  const t = (code: ErrorCode, params: Record<string, string | number> = {}) => formatMessage(code, params, options.locale);
  // The entity's own slice (not the whole API map): every rule of its create and update applies.
  const slice: Record<string, Handler> = SLICES[entity];
  const create = slice[`${entity}.create`]!;
  const update = slice[`${entity}.update`]!;
  const seen = new SeenKeys(ctx.db, ctx.db.prepare('PRAGMA database_list').all().some((d) => (d as { name: string }).name === SCRATCH));
  return (r) => {
    const { row } = r;
    const checked = r.checked !== undefined ? r.checked : check(r.cells);
    if (!checked) return; // a blank row
    report.rows++;
    const { values, create: created } = checked;
    let reasons = checked.reasons;
    let action: RowAction = 'reject';
    if (!reasons.length) {
      const uscc = values.uscc as string | undefined;
      const name = (values[NAME_FIELD[entity]] ?? (entity === 'incubations' ? values.enterprise_id : undefined)) as string | undefined;
      // The earlier row with the same code or name; this row is recorded as the first of each it is first of.
      const byUscc = uscc ? seen.firstRow(0, uscc, row) : undefined;
      const byName = name ? seen.firstRow(1, name, row) : undefined;
      // In create mode a second row for the same record is a mistake; in update and upsert mode it is
      // more about the same record (a roster that lists an enterprise once per contact, say): it updates
      // the record the earlier row wrote, which findExisting sees inside this transaction.
      const repeatsUpdate = options.mode !== 'create';
      if (byUscc && !repeatsUpdate) reasons = [t('import_duplicate_row', { row: byUscc, by: options.locale === 'en' ? 'credit code' : '统一社会信用代码' })];
      else if (byName && !repeatsUpdate) reasons = [t('import_duplicate_row', { row: byName, by: options.locale === 'en' ? 'name' : '名称' })];
    }
    let match: { id: string; name: string } | undefined;
    if (!reasons.length) {
      match = findExisting(ctx.db, entity, values);
      const wanted = options.overrides?.[row] ?? (match ? (options.mode === 'create' ? 'skip-existing' : 'update') : options.mode === 'update' ? 'skip-missing' : 'create');
      try {
        if (wanted === 'skip' || wanted === 'skip-existing' || wanted === 'skip-missing') {
          action = 'skip';
          reasons = [wanted === 'skip' ? t('import_skipped') : wanted === 'skip-existing' ? t('import_exists', { name: match?.name ?? '' }) : t('import_not_found')];
        } else if (wanted === 'update' && match) {
          const patch = values.contacts ? { ...values, contacts: mergeContacts(existingContacts(ctx.db, match.id), values.contacts as Contact[]) } : values;
          dispatch(update, ctx, { id: match.id, patch });
          action = 'update';
        } else if (created && 'reasons' in created) {
          // The create schema refused the row (as dispatch would have, with the same words).
          reasons = created.reasons;
        } else {
          // The create input already passed the create schema (row-check.ts): what dispatch would run.
          create.run(ctx, created!.data);
          action = 'create';
        }
      } catch (err) {
        // Handlers raise their AppErrors (input, rules, not found) before they write anything, so a
        // rejected row leaves nothing behind without a savepoint per row; any other error (the disk,
        // the database) is not a row's fault and aborts the whole import.
        if (!(err instanceof AppError)) throw err;
        action = 'reject';
        reasons = reasonsOf(err, options.locale, report.columns);
      }
    }
    if (action === 'create') report.created++;
    else if (action === 'update') report.updated++;
    else if (action === 'skip') report.skipped++;
    else {
      report.rejected.push({ row, reasons });
      options.onRejected?.(row, r.cells, reasons);
    }
    const name = String(values[NAME_FIELD[entity]] ?? values.enterprise_id ?? '');
    if (report.preview.length < 200) report.preview.push({ row, action, name, reasons });
    if (match && report.matches.length < 1_000) report.matches.push({ row, name, existing: match.name, action, ...(options.overrides?.[row] ? { chosen: options.overrides[row] } : {}) });
  };
}

function existingContacts(db: Db, id: string): Contact[] {
  const row = db.prepare('SELECT contacts FROM enterprises WHERE id = ?').get(id) as { contacts: string } | undefined;
  return row ? (JSON.parse(row.contacts || '[]') as Contact[]) : [];
}

/** The live record a row is: same credit code first, then the same name. */
type Existing = { id: string; name: string };
function findExisting(db: Db, entity: ImportEntity, values: Row): Existing | undefined {
  if (entity === 'incubations') {
    if (values.enterprise_id) return db.prepare("SELECT i.id, e.name FROM incubations i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.deleted = 0 AND i.enterprise_id = ?").get(values.enterprise_id) as Existing | undefined;
    if (values.team_name) return db.prepare('SELECT id, team_name AS name FROM incubations WHERE deleted = 0 AND team_name = ?').get(values.team_name) as Existing | undefined;
    return undefined;
  }
  const nameCol = NAME_FIELD[entity];
  if (values.uscc) {
    // An enterprise's code: the enterprise rules' own lookup (a lead's code is looked up among the leads).
    const hit = entity === 'enterprises' ? enterpriseWithUscc(db, values.uscc as string) : (prepared(db, FIND_LEAD_BY_USCC).get(values.uscc) as Existing | undefined);
    if (hit) return hit;
  }
  return prepared(db, FIND_BY_NAME[entity]).get(values[nameCol]) as Existing | undefined;
}
/** findExisting's statements, their text made once (not per row). */
const findBy = (column: (e: ImportEntity) => string) =>
  Object.fromEntries((['enterprises', 'leads', 'incubations'] as const).map((e) => [e, `SELECT id, ${NAME_FIELD[e]} AS name FROM ${TABLE[e]} WHERE deleted = 0 AND ${column(e)} = ?`])) as Record<ImportEntity, string>;
const FIND_LEAD_BY_USCC = findBy(() => 'uscc').leads;
const FIND_BY_NAME = findBy((e) => NAME_FIELD[e]);

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
