import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/core/imports/importer';
import { seedReference } from '../../src/core/seed/seed';
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

  it('firstRow answers as get then set, in memory and once spilled, row by row', () => {
    const core = testCore();
    const detach = attachScratch(core.db, tempFile('seen-first.db'));
    core.db.exec('BEGIN IMMEDIATE');
    const spilling = new SeenKeys(core.db, true, 50);
    const plain = new SeenKeys(core.db, false, 50);
    const answers: [number | undefined, number | undefined][] = [];
    for (let row = 1; row <= 300; row++) {
      for (const [kind, key] of [[1, `企业${row % 120}`], [0, `code${row % 170}`]] as const) {
        const expected = plain.get(kind, key);
        if (expected === undefined) plain.set(kind, key, row);
        answers.push([spilling.firstRow(kind, key, row), expected]);
      }
    }
    expect(core.db.prepare('SELECT count(*) AS n FROM import_scratch.seen').get()).toEqual({ n: 290 }); // it spilled
    expect(answers.filter(([a, b]) => a !== b)).toEqual([]);
    expect(answers.filter(([a]) => a !== undefined).length).toBe(600 - 290); // repeats were met in both states
    expect(spilling.firstRow(1, '企业7', 999)).toBe(7);
    core.db.exec('ROLLBACK');
    detach();
  });

  it('imports into a database opened as the CLI opens it (an existing file: its connection creates no files)', async () => {
    const file = tempFile('park.db');
    const first = testCore({}, file);
    seedReference(first.context());
    first.close();
    const core = testCore({ create: false }, file);
    const csv = tempFile('roster.csv');
    writeFileSync(csv, '企业名称,入驻日期\n甲公司,2021-03-01\n乙公司,2021-04-01\n');
    const job = core.call('imports.start', { file: core.files.register(csv, 'roster.csv'), entity: 'enterprises', mode: 'create', dryRun: false });
    const done = await core.jobs.wait(job.id);
    expect(done.error).toBeUndefined();
    expect((done.result as ImportReport).created).toBe(2);
    core.close();
  });
});
