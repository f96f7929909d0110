import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/core/backup/check';
import { deleteRow, insertRow, restoreRow, transact, transactAsync, updateRow } from '../../src/core/db/write';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * The write path holds a transaction's search-index writes back to its end (db/search-writes.ts): FTS5
 * writes its pending terms out as a segment at every statement savepoint, so tokens written between a
 * row's other statements made a segment a row. The index must still say exactly what a rebuild says,
 * after rollbacks, renames of rows created in the same transaction, and batches larger than one flush.
 */
const enterprise = (i: number, name = `珠海数智科技${i}有限公司`) => ({
  name,
  kind: 'startup',
  status: 'settled',
  industry: 'bigdata',
  entry_date: `2020-0${1 + (i % 9)}-01`,
  qualifications: [{ type: 'hightech', expires: '2022-01-01' }],
});

/** Both search indexes, each exactly what a rebuild writes. */
const CLEAN = [
  { fts: 'enterprises_fts', missing: 0, extra: 0 },
  { fts: 'leads_fts', missing: 0, extra: 0 },
];
const searchOk = (db: Parameters<typeof checkDatabase>[0]) => checkDatabase(db).search.map((s) => ({ fts: s.fts, missing: s.missing, extra: s.extra }));
const segments = (db: Parameters<typeof checkDatabase>[0]) => (db.prepare('SELECT count(DISTINCT segid) AS n FROM enterprises_fts_idx').get() as { n: number }).n;

describe('search writes held to the end of the transaction', () => {
  it('300 rows created in one transaction make one search segment (15 when written row by row)', () => {
    const core = testCore();
    const ctx = core.context();
    seedReference(ctx);
    transact(ctx, () => {
      for (let i = 0; i < 300; i++) insertRow(ctx, 'enterprises', enterprise(i));
    });
    expect(segments(core.db)).toBe(1);
    expect(searchOk(core.db)).toEqual(CLEAN);
  });

  it('a long transaction writes in batches as it goes, and its index equals a rebuild', async () => {
    const core = testCore();
    const ctx = core.context();
    seedReference(ctx);
    await transactAsync(ctx, async (pause) => {
      for (let i = 0; i < 9_000; i++) {
        insertRow(ctx, 'enterprises', enterprise(i));
        if (i % 1_000 === 0) await pause();
      }
    });
    expect(segments(core.db)).toBeLessThanOrEqual(3);
    expect(searchOk(core.db)).toEqual(CLEAN);
  });

  type Op = { op: 'create'; name: string } | { op: 'rename'; at: number; name: string } | { op: 'delete'; at: number } | { op: 'restore'; at: number };
  const name = fc.constantFrom('珠海数据', '横琴云', 'Zhuhai Data', '数智 AI', '大数据中心');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('create' as const), name }),
    fc.record({ op: fc.constant('rename' as const), at: fc.nat(), name }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('restore' as const), at: fc.nat() }),
  );

  it('after random creates, renames, deletes and restores, some rolled back, the index equals a rebuild', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ops: fc.array(op, { maxLength: 12 }), rollBack: fc.boolean() }), { minLength: 1, maxLength: 6 }), (transactions) => {
        const core = testCore();
        const ctx = core.context();
        seedReference(ctx);
        const ids: string[] = [];
        try {
          for (const { ops, rollBack } of transactions) {
            const before = ids.length;
            try {
              transact(ctx, () => {
                for (const o of ops) {
                  const id = ids.length ? ids[('at' in o ? o.at : 0) % ids.length]! : null;
                  const live = id !== null && core.db.prepare('SELECT deleted FROM enterprises WHERE id = ?').pluck().get(id) === 0;
                  if (o.op === 'create') ids.push(insertRow(ctx, 'enterprises', enterprise(ids.length, `${o.name}${ids.length}`)));
                  else if (!id) continue;
                  else if (o.op === 'rename' && live) updateRow(ctx, 'enterprises', id, { name: `${o.name}${o.at}` });
                  else if (o.op === 'delete' && live) deleteRow(ctx, 'enterprises', id);
                  else if (o.op === 'restore' && !live) restoreRow(ctx, 'enterprises', id);
                }
                if (rollBack) throw new Error('roll back');
              });
            } catch (err) {
              if ((err as Error).message !== 'roll back') throw err;
              ids.length = before;
            }
            expect(searchOk(core.db)).toEqual(CLEAN);
          }
        } finally {
          core.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
