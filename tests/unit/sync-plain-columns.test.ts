import { describe, expect, it } from 'vitest';
import { afterWrite } from '../../src/core/db/aggregates';
import { tables, type TableName, type TableSpec } from '../../src/core/db/tables';
import { decodeRow, type Row } from '../../src/core/db/write';
import { ParkCore } from '../../src/core/service';
import { generate } from '../../src/core/seed/seed';
import { UPKEEP_READS } from '../../src/core/sync/plain-rows';

/**
 * The merge's short way reads a plain row of the tables in UPKEEP_READS with only the listed columns and
 * the fields its package writes (sync/plain-rows.ts). That holds only while the search text and the
 * Overview aggregates read nothing else: here every column they read is recorded through a Proxy, for a
 * row that changes every column (so each aggregate's "did its cell move?" branch runs too).
 */
function recorded(table: TableName, before: Row, after: Row, run: (b: Row, a: Row) => void): Set<string> {
  const read = new Set<string>();
  const spy = (row: Row) => new Proxy(row, { get: (target, key) => (typeof key === 'string' && read.add(key), Reflect.get(target, key)) });
  run(spy(before), spy(after));
  return read;
}

describe('merge: the columns a plain row is read with', () => {
  it('hold everything the search text and the aggregates read', () => {
    const core = new ParkCore(':memory:', { user: 'office', now: () => Date.UTC(2026, 10, 30, 9) });
    try {
      generate(core.context(), { enterprises: 50, leads: 20, activities: 20 });
      const db = core.db;
      for (const [table, listed] of Object.entries(UPKEEP_READS) as [TableName, readonly string[]][]) {
        const rows = db.prepare(`SELECT * FROM ${table} WHERE deleted = 0 ORDER BY rowid LIMIT 2`).all() as Row[];
        const spec: TableSpec = tables[table];
        const blank: Row = { id: 'x', deleted: 0 };
        for (const c of Object.keys(spec.columns)) blank[c] = spec.columns[c] === 'json' ? [] : null;
        const before = rows[0] ? decodeRow(table, rows[0]) : blank;
        const after = rows[1] ? decodeRow(table, rows[1]) : { ...blank, id: 'y' };
        const read = recorded(table, before, after, (b, a) => {
          spec.search?.text(b);
          spec.search?.text(a);
          db.exec('SAVEPOINT probe');
          try {
            afterWrite(db, table, b, a);
            afterWrite(db, table, null, a);
            afterWrite(db, table, b, null);
          } finally {
            db.exec('ROLLBACK TO probe');
            db.exec('RELEASE probe');
          }
        });
        expect([...read].filter((c) => !listed.includes(c)), table).toEqual([]);
      }
      // The enterprises' list is not empty by accident: the search text and the months' aggregate read these.
      expect(UPKEEP_READS.enterprises).toEqual(expect.arrayContaining(['name', 'uscc', 'tags', 'industry', 'entry_date', 'exit_date', 'deleted']));
    } finally {
      core.close();
    }
  });
});
