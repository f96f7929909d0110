import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowSet } from '../../src/core/grid/sets';
import { orderByRanks } from '../../src/core/grid/values';

/**
 * A set ordered by a column's ranks (values.ts): members in (rank, rowid) order, whichever sort serves
 * (a count over every rank for up to 65,536 distinct values, a radix sort of the members' ranks above).
 */
describe('a row set ordered by ranks', () => {
  it('is in (rank, rowid) order, for few and for many distinct values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 300, 70_000, 5_000_000, 16_000_000),
        fc.uniqueArray(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { minLength: 400, maxLength: 400 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (top, rowids, picks, seed) => {
          const ranks = new Uint32Array(5_001);
          // Ranks drawn from a few values near the top and the bottom, so that equal ranks occur.
          rowids.forEach((id, i) => {
            const p = (picks[i]! ^ seed) >>> 0;
            ranks[id] = p % 3 === 0 ? top : p % 3 === 1 ? Math.min(top, 1 + (p % 7)) : 1 + (p % top);
          });
          const order = orderByRanks(new RowSet(rowids, 0), { ranks, top });
          const plain = [...rowids].sort((a, b) => ranks[a]! - ranks[b]! || a - b);
          expect(Array.from(order!)).toEqual(plain);
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('is none when a member has no rank (the ranks are of another state of the data)', () => {
    const ranks = new Uint32Array(10);
    ranks[1] = 100_000;
    expect(orderByRanks(new RowSet([1, 2], 0), { ranks, top: 100_000 })).toBeNull();
    ranks[2] = 5;
    expect(Array.from(orderByRanks(new RowSet([1, 2], 0), { ranks, top: 100_000 })!)).toEqual([2, 1]);
  });
});
