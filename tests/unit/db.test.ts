import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/open';
import { migrations } from '../../src/core/db/migrations';
import { AppError } from '../../src/core/errors';
import { tempFile } from './helpers';

const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('opening a database', () => {
  it('creates the schema with WAL, synchronous=FULL, foreign keys on and trusted_schema off', () => {
    const file = tempFile();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('trusted_schema', { simple: true })).toBe(0);
    const applied = db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[];
    expect(applied.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
    db.close();
    // Reopening an up-to-date file changes nothing.
    openDatabase(file).close();
  });

  it('refuses a schema newer than the app knows, and leaves the file untouched', () => {
    const file = tempFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('9999_future', 'x')").run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = hash(file);
    expectCode(() => openDatabase(file), 'schema_too_new');
    expect(hash(file)).toBe(before);
  });

  it('refuses an older or different schema history instead of guessing', () => {
    const file = tempFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare("UPDATE schema_migrations SET id = '0001_something_else' WHERE id = '0001_initial'").run();
    raw.close();
    expectCode(() => openDatabase(file), 'schema_mismatch');
  });

  it('applies only the pending migrations of an older ParkPilot file', () => {
    const file = tempFile();
    openDatabase(file).close();
    const extra = [...migrations, { id: '0002_test_extra', sql: 'CREATE TABLE extra_test (x INTEGER) STRICT;' }];
    const db = openDatabase(file, { knownMigrations: extra });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'extra_test'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses an SQLite file that is not a ParkPilot database', () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.exec('CREATE TABLE stuff (a)');
    raw.close();
    expectCode(() => openDatabase(file), 'schema_mismatch');
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = tempFile('notes.db');
    require('node:fs').writeFileSync(file, 'this is not a database '.repeat(100));
    expectCode(() => openDatabase(file), 'not_a_database');
  });

  it('does not create a missing file when asked to open an existing one', () => {
    expectCode(() => openDatabase(tempFile('missing.db'), { create: false }), 'not_a_database');
  });
});
