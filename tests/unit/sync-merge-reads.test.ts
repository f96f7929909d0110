import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/db/migrations';
import { AliasIndex, EntryCache, membersOf, sameJson, survivorOf, type LogEntry } from '../../src/core/db/materialize';
import { tables, type TableName } from '../../src/core/db/tables';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { changeKey, deletedAmong, heldAmong } from '../../src/core/sync/merge-reads';
import { vectorOf } from '../../src/core/sync/peers';
import { completeUscc } from '../../src/core/util/uscc';
import { seededIds } from '../../src/core/util/ids';
import { tempFile } from './helpers';

/**
 * A merge reads many rows at once (sync/merge-reads.ts, EntryCache.preload, AliasIndex): each batched
 * read must answer exactly as the one-row-at-a-time statement it replaces.
 */
function open(file: string, seed: number, start: number) {
  let t = start;
  return new ParkCore(file, { user: `user${seed}`, now: () => t++, ids: seededIds(seed, start) });
}

/** An office and a laptop that merged: absorbed duplicates (aliases), deleted rows, a few hundred changes. */
async function mergedOffice() {
  const office = open(tempFile('office.db'), 1, Date.UTC(2026, 10, 21, 9));
  office.call('pipeline.applyPreset', { preset: 'government' });
  const laptopFile = tempFile('laptop.db');
  checkout(office.context(), laptopFile, 'laptop', 'person');
  const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5));
  const uscc = (i: number) => completeUscc(`91440400MA4W${String(1000 + i)}`);
  for (let i = 0; i < 30; i++) {
    // The same credit codes on both sides: each pair becomes one record with an alias.
    const a = office.call('enterprises.create', { name: `企业${i}`, kind: 'startup', status: 'settled', uscc: uscc(i) }) as { id: string };
    const b = laptop.call('enterprises.create', { name: `企业${i}`, kind: 'startup', status: 'settled', uscc: uscc(i), headcount: i }) as { id: string };
    laptop.call('leads.create', { company: `线索${i}`, source: 'referral', stage: 'promoted', enterprise_id: b.id });
    if (i % 5 === 0) office.call('enterprises.delete', { id: a.id });
    if (i % 7 === 0) laptop.call('enterprises.update', { id: b.id, patch: { notes: `走访 ${i}` } });
  }
  const pkg = tempFile('p.ppsync');
  exportPackage(laptop.context(), pkg, office.context().clock.site);
  const report = await importSource(office.context(), pkg);
  expect(report.absorbed.length).toBeGreaterThan(0);
  laptop.close();
  return office;
}

describe('batched reads of a merge', () => {
  it('aliases in memory answer as survivorOf and membersOf; preloaded logs equal logs read one row at a time', async () => {
    const office = await mergedOffice();
    const db = office.db;
    const aliases = new AliasIndex(db);
    const preloaded = new EntryCache(db);
    const single = new EntryCache(db);
    let checked = 0;
    for (const table of Object.keys(tables) as TableName[]) {
      const ids = db.prepare(`SELECT id FROM ${table}`).pluck().all() as string[];
      preloaded.preload(table, ids);
      for (const id of ids) {
        expect(aliases.survivor(table, id)).toBe(survivorOf(db, table, id));
        expect(aliases.members(table, aliases.survivor(table, id))).toEqual(membersOf(db, table, survivorOf(db, table, id)));
        expect(preloaded.get(table, id)).toEqual(single.get(table, id));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect((db.prepare('SELECT count(*) FROM row_aliases').pluck().get() as number)).toBeGreaterThan(0);
  });

  it('held changes: the range of the identity index and the look-up by identity find the same ones', async () => {
    const office = await mergedOffice();
    const db = office.db;
    const stored = db.prepare('SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes ORDER BY seq').all() as LogEntry[];
    // Half of them held, and as many new ones (another field of the same stamp, or a stamp never seen).
    const offered: LogEntry[] = [];
    stored.forEach((c, i) => {
      if (i % 2 === 0) offered.push(c);
      else offered.push({ ...c, field: c.field === 'notes' ? 'tags' : 'notes' }, { ...c, stamp: c.stamp.replace(/-([0-9a-f]{4})-/, '-ffff-') });
    });
    const exists = db.prepare('SELECT 1 FROM changes WHERE stamp = ? AND tbl = ? AND row_id = ? AND field = ?');
    const expected = new Set(offered.filter((c) => exists.get(c.stamp, c.tbl, c.row_id, c.field)).map(changeKey));
    expect(expected.size).toBeGreaterThan(100);
    expect(heldAmong(db, offered)).toEqual(expected);
    // A range larger than the limit: each change looked up by its identity instead.
    expect(heldAmong(db, offered, 1)).toEqual(expected);
    expect(heldAmong(db, [])).toEqual(new Set());
  });

  it('a change is stored once: its identity is unique in the database, in a new file and in one migrated from before 0018', () => {
    const older = migrations.slice(0, migrations.findIndex((m) => m.id === '0018_change_identity'));
    const oldFile = tempFile('old.db');
    const old = new ParkCore(oldFile, { knownMigrations: older, user: 'old' });
    for (let i = 0; i < 20; i++) old.call('enterprises.create', { name: `企业${i}`, kind: 'startup', status: 'settled' });
    const logBefore = old.db.prepare('SELECT * FROM changes ORDER BY seq').all();
    expect(old.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'changes_identity'").pluck().get()).toBe(1);
    old.close();
    const newFile = tempFile('new.db');
    new ParkCore(newFile, { user: 'new' }).call('enterprises.create', { name: '新企业', kind: 'startup', status: 'settled' });
    for (const file of [oldFile, newFile]) {
      const core = new ParkCore(file, { user: 'later' });
      const db = core.db;
      if (file === oldFile) expect(db.prepare('SELECT * FROM changes ORDER BY seq').all()).toEqual(logBefore);
      const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name").all() as { name: string; sql: string }[];
      expect(indexes.map((i) => i.name)).not.toContain('changes_identity');
      expect(indexes.find((i) => i.name === 'changes_latest')?.sql).toMatch(/^CREATE UNIQUE INDEX changes_latest ON changes \(tbl, row_id, field, stamp\)/);
      const c = db.prepare('SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes LIMIT 1').get() as LogEntry;
      const insert = db.prepare('INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      // The same identity with other values (another user, another value): refused.
      expect(() => insert.run(c.stamp, c.site, 'someone else', c.tbl, c.row_id, c.field, null, '"x"')).toThrow(/UNIQUE constraint failed: changes.tbl, changes.row_id, changes.field, changes.stamp/);
      // Another field of the same stamp and row is another change.
      expect(insert.run(c.stamp, c.site, c.user, c.tbl, c.row_id, 'notes_other', null, null).changes).toBe(1);
      core.close();
    }
    const raw = new Database(oldFile, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('deleted rows among many, and the vector of what a copy holds, as the plain statements say', async () => {
    const office = await mergedOffice();
    const db = office.db;
    const ids = db.prepare('SELECT id FROM enterprises ORDER BY id').pluck().all() as string[];
    const deleted = new Set(db.prepare('SELECT id FROM enterprises WHERE deleted = 1').pluck().all() as string[]);
    expect(deleted.size).toBeGreaterThan(0);
    expect(deletedAmong(db, 'enterprises', [...ids, 'no-such-id'])).toEqual(deleted);
    const grouped = db.prepare('SELECT site, max(stamp) AS stamp FROM changes GROUP BY site').all() as { site: string; stamp: string }[];
    expect(vectorOf(db)).toEqual(Object.fromEntries(grouped.map((r) => [r.site, r.stamp])));
    expect(Object.keys(vectorOf(db)).length).toBe(2);
  });

  it('sameJson is JSON.stringify equality', () => {
    const values = [null, undefined, 0, -0, 1, 1.5, NaN, Infinity, -Infinity, '', '0', 'null', 'a"b', true, false, [], [1], ['1'], {}, { a: 1 }, [null], [NaN]];
    for (const a of values) for (const b of values) expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
  });
});
