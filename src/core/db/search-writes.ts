import { prepared, type Db } from './open';

/**
 * Search-index writes held back to the end of the write path's transaction.
 *
 * FTS5 writes the terms it holds in memory out as a new segment at every statement savepoint, and
 * SQLite opens one for any statement that might need a partial rollback (most UPDATEs, INSERTs with
 * triggers or ON CONFLICT). Written between a row's other statements, each row's tokens became a
 * segment of their own, which FTS5's automerge then kept merging: generating 500,000 enterprises
 * spent over half its time there (perf: fts5IndexMergeLevel under fts5SavepointMethod), and every
 * import, merge and hub catch-up paid the same per row. Held back and written together, a batch of
 * rows makes one segment.
 *
 * Only transactions the write path opens (transact, transactAsync in write.ts) hold writes back; they
 * write them before COMMIT and drop them on rollback. Elsewhere a write goes straight in. Nothing in
 * the core reads the search index inside those transactions: search and grids run between calls.
 */
const BATCH = 4_096;

interface SearchWrite {
  fts: string;
  rowid: number;
  /** Delete the row's present tokens first (a changed or deleted row). */
  remove: boolean;
  /** The new tokens; null when the row has none now (a tombstone). */
  tokens: string | null;
}

const held = new WeakMap<Db, SearchWrite[]>();

/** From now until `writeHeldSearch` or `dropHeldSearch`, search writes on `db` are held back. */
export function holdSearchWrites(db: Db): void {
  held.set(db, []);
}

/** Writes what is held (the transaction's end, or a full batch) and goes on holding. */
export function writeHeldSearch(db: Db): void {
  const writes = held.get(db);
  if (!writes?.length) return;
  held.set(db, []);
  for (const w of writes) apply(db, w);
}

/** Stops holding; what is held is dropped (its transaction rolled back, or wrote it already). */
export function dropHeldSearch(db: Db): void {
  held.delete(db);
}

export function searchWrite(db: Db, write: SearchWrite): void {
  const writes = held.get(db);
  if (!writes) return apply(db, write);
  writes.push(write);
  if (writes.length >= BATCH) writeHeldSearch(db);
}

function apply(db: Db, w: SearchWrite): void {
  if (w.remove) prepared(db, `DELETE FROM ${w.fts} WHERE rowid = ?`).run(w.rowid);
  if (w.tokens !== null) prepared(db, `INSERT INTO ${w.fts} (rowid, tokens) VALUES (?, ?)`).run(w.rowid, w.tokens);
}
