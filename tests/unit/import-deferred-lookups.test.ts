import { describe, expect, it } from 'vitest';
import { deferIndexes } from '../../src/core/db/deferred-indexes';
import type { Db } from '../../src/core/db/open';
import { testCore } from './helpers';

/**
 * A large import drops a table's secondary indexes for the load and keeps those it looks rows up by
 * (deferred-indexes.ts). A lookup column already led by a unique index that stays (enterprises_live_uscc,
 * partial on live rows with a code) needs no second index during the load: enterprises_uscc goes too.
 * The lookups still search an index, never scan, and the schema after the rebuild is the one before.
 */
const indexNames = (db: Db, table: string) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as { name: string }[]).map((r) => r.name);
const schema = (db: Db) => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
const plan = (db: Db, sql: string, ...params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('; ');

describe('indexes kept for an import\'s lookups', () => {
  it('drops enterprises_uscc (the unique live index answers uscc lookups) and keeps the rest of the lookups', () => {
    const core = testCore();
    const db = core.db;
    const before = schema(db);
    db.exec('BEGIN');
    const deferred = deferIndexes(db, 'enterprises', ['name', 'uscc', 'id']);
    expect(indexNames(db, 'enterprises')).toEqual(['enterprises_live_uscc', 'enterprises_name']);
    // The importer's findExisting and the uscc rule, and the name lookup: each searches an index.
    expect(plan(db, 'SELECT id, name FROM enterprises WHERE deleted = 0 AND uscc = ?', 'x')).toMatch(/SEARCH enterprises USING INDEX enterprises_live_uscc/);
    expect(plan(db, 'SELECT name FROM enterprises WHERE uscc = ? AND deleted = 0 AND id IS NOT ?', 'x', null)).toMatch(/SEARCH enterprises USING INDEX enterprises_live_uscc/);
    expect(plan(db, 'SELECT id, name FROM enterprises WHERE deleted = 0 AND name = ?', 'x')).toMatch(/SEARCH enterprises USING INDEX enterprises_name/);
    deferred.rebuild();
    db.exec('COMMIT');
    expect(schema(db)).toEqual(before);
    core.close();
  });

  it('keeps a lookup index that no unique index stands in for (leads_uscc)', () => {
    const core = testCore();
    const db = core.db;
    db.exec('BEGIN');
    deferIndexes(db, 'leads', ['company', 'uscc', 'enterprise_id', 'id']);
    expect(indexNames(db, 'leads')).toContain('leads_uscc');
    db.exec('ROLLBACK');
    core.close();
  });
});
