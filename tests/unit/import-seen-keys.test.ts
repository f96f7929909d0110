import { describe, expect, it } from 'vitest';
import { SeenKeys, attachScratch } from '../../src/core/imports/seen-keys';
import { tempFile, testCore } from './helpers';

describe('the in-file dedupe of a long import', () => {
  it('answers the same once its keys have spilled to the scratch file as it did in memory', () => {
    const core = testCore();
    const detach = attachScratch(core.db, tempFile('seen.db'));
    core.db.exec('BEGIN IMMEDIATE');
    const seen = new SeenKeys(core.db, true, 50);
    const inMemory = new SeenKeys(core.db, false, 50);
    for (let row = 1; row <= 300; row++) {
      const key = `企业${row % 120}`;
      for (const s of [seen, inMemory]) if (s.get(1, key) === undefined) s.set(1, key, row);
      if (seen.get(0, `code${row}`) === undefined) seen.set(0, `code${row}`, row);
    }
    // Spilled (more than 50 keys): the first row of each name, and the codes, as the in-memory set says.
    expect(core.db.prepare('SELECT count(*) AS n FROM import_scratch.seen').get()).toEqual({ n: 420 });
    for (let i = 0; i < 120; i++) expect(seen.get(1, `企业${i}`)).toBe(inMemory.get(1, `企业${i}`));
    expect(seen.get(1, '企业0')).toBe(120);
    expect(seen.get(1, '企业7')).toBe(7);
    expect(seen.get(0, 'code300')).toBe(300);
    expect(seen.get(0, 'nothing')).toBeUndefined();
    expect(seen.get(1, 'code5')).toBeUndefined(); // names and codes are apart
    core.db.exec('ROLLBACK');
    detach();
    expect((core.db.prepare('PRAGMA database_list').all() as { name: string }[]).map((d) => d.name)).not.toContain('import_scratch');
  });
});
