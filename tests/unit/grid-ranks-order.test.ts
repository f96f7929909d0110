import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowSet } from '../../src/core/grid/sets';
import { headByRanks, orderByRanks, RankOrder, rankOrder, rankScans } from '../../src/core/grid/values';

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

  it('is made as far as pages ask: a head of one way (the members of the lowest or highest rank buckets, sorted) gives the same pages as the whole order, which is made for a page beyond it or the other way', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 300, 5_000, 70_000, 5_000_000),
        fc.uniqueArray(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 3_000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.array(fc.record({ dir: fc.constantFrom('asc' as const, 'desc' as const), offset: fc.nat({ max: 3_100 }), limit: fc.integer({ min: 1, max: 150 }) }), { minLength: 1, maxLength: 5 }),
        (top, rowids, seed, dir, pages) => {
          const ranks = new Uint32Array(20_001);
          // Ties, the lowest and the highest ranks, and ranks spread over every bucket.
          rowids.forEach((id, i) => {
            const p = (Math.imul(i + 1, 2654435761) ^ seed) >>> 0;
            ranks[id] = p % 4 === 0 ? top : p % 4 === 1 ? Math.min(top, 1 + (p % 5)) : 1 + (p % top);
          });
          const set = new RowSet(rowids, 0);
          const whole = Array.from(orderByRanks(set, { ranks, top })!);
          const first = pages[0]!;
          const upTo = first.offset + first.limit;
          const head = headByRanks(set, { ranks, top }, dir, upTo)!;
          // The head is the first (or, descending, the last) positions of the whole order, at least upTo of them.
          expect(head.length).toBeGreaterThanOrEqual(Math.min(upTo, whole.length));
          expect(Array.from(head)).toEqual(dir === 'asc' ? whole.slice(0, head.length) : whole.slice(whole.length - head.length));
          const order = new RankOrder(set, { ranks, top }, { dir, rows: head });
          for (const pg of pages) {
            const desc = [...whole].reverse();
            const want = (pg.dir === 'asc' ? whole : desc).slice(pg.offset, pg.offset + pg.limit);
            expect(order.page(pg.dir, pg.offset, pg.limit)).toEqual(want);
          }
        },
      ),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('by a column of few values holds only the positions asked for, not the whole of the rank it ends in', () => {
    // Three values; the middle one holds most members (industry ascending with a name filter that keeps mostly bigdata).
    const rowids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const ranks = new Uint32Array(20_001);
    for (const id of rowids) ranks[id] = id % 50 === 0 ? 1 : id % 50 === 1 ? 3 : 2;
    const set = new RowSet(rowids, 0);
    const whole = Array.from(orderByRanks(set, { ranks, top: 3 })!);
    for (const dir of ['asc', 'desc'] as const) {
      const head = Array.from(headByRanks(set, { ranks, top: 3 }, dir, 1_000)!);
      expect(head).toHaveLength(1_000);
      expect(head).toEqual(dir === 'asc' ? whole.slice(0, 1_000) : whole.slice(-1_000));
    }
  });

  it('a kept order serves the first page from its head, and is made whole only when a page needs more', () => {
    const rowids = Array.from({ length: 5_000 }, (_, i) => i + 1);
    const ranks = new Uint32Array(5_001);
    for (const id of rowids) ranks[id] = 1 + ((id * 7919) % 4_000);
    const set = new RowSet(rowids, 0);
    const revenue = { ranks, top: 4_000 };
    const order = rankOrder(set, 'e.revenue', revenue, 'desc', 100)!;
    // The head: about HEAD_MIN_ROWS members of the highest ranks, not the 5,000.
    const headBytes = order.bytes;
    expect(headBytes).toBeLessThan(5_000 * 4 / 2);
    expect(order.page('desc', 0, 100)).toHaveLength(100);
    expect(order.bytes).toBe(headBytes);
    // Kept with the set: the same ranks find it again.
    expect(rankOrder(set, 'e.revenue', revenue, 'desc', 100)).toBe(order);
    // Ascending, the whole order is made once.
    expect(order.page('asc', 0, 3)).toEqual([...rowids].sort((a, b) => ranks[a]! - ranks[b]! || a - b).slice(0, 3));
    expect(order.bytes).toBe(5_000 * 4);
  });

  it("reads a set's members in rowid order made as the set is (not again at each page), from rowids in any order, once each", () => {
    const ascending = new RowSet([2, 9, 40, 41], 0);
    expect(Array.from(ascending.members()!)).toEqual([2, 9, 40, 41]);
    // The same array each time: a page after a filter change allocates nothing for it.
    expect(ascending.members()).toBe(ascending.members());
    expect(ascending.rowidOrder()).toBe(ascending.members());
    const repeated = new RowSet([41, 2, 9, 2, 40], 0);
    expect(Array.from(repeated.members()!)).toEqual([2, 9, 40, 41]);
    expect(repeated.size).toBe(4);
    expect(new RowSet([3, 2 ** 29], 0).members()).toBeNull();
  });

  it("with the column's whole order kept (names, codes), pages by scanning that order from either end: the same pages as the whole order by ranks, as far as asked and on from there", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 300, 70_000),
        fc.uniqueArray(fc.integer({ min: 1, max: 6_000 }), { minLength: 1, maxLength: 2_500 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.record({ dir: fc.constantFrom('asc' as const, 'desc' as const), offset: fc.nat({ max: 2_600 }), limit: fc.integer({ min: 1, max: 150 }) }), { minLength: 1, maxLength: 6 }),
        (top, rowids, seed, pages) => {
          // Every row 1..6,000 ranked (the column's live rows); the set is some of them.
          const ranks = new Uint32Array(6_001);
          for (let id = 1; id <= 6_000; id++) {
            const p = (Math.imul(id, 2654435761) ^ seed) >>> 0;
            ranks[id] = p % 4 === 0 ? top : p % 4 === 1 ? Math.min(top, 1 + (p % 5)) : 1 + (p % top);
          }
          const all = Array.from({ length: 6_000 }, (_, i) => i + 1).sort((a, b) => ranks[a]! - ranks[b]! || a - b);
          const withOrder = { ranks, top, order: Int32Array.from(all) };
          const set = new RowSet(rowids, 0);
          const whole = Array.from(orderByRanks(set, { ranks, top })!);
          // The scan itself (no head), and the order rankOrder chooses (a scan or a head, by the set's share).
          const first = pages[0]!;
          for (const order of [new RankOrder(set, withOrder, null), rankOrder(set, 'e.name', withOrder, first.dir, first.offset + first.limit)!]) {
            for (const pg of pages) {
              const want = (pg.dir === 'asc' ? whole : [...whole].reverse()).slice(pg.offset, pg.offset + pg.limit);
              expect(order.page(pg.dir, pg.offset, pg.limit)).toEqual(want);
            }
          }
        },
      ),
      { numRuns: 300, seed: 20261226 },
    );
  });

  it("scans the column's order only as far as the page asked: the first page of a set of 3% of 200,000 rows meets a few thousand entries", () => {
    const n = 200_000;
    const ranks = new Uint32Array(n + 1);
    for (let id = 1; id <= n; id++) ranks[id] = 1 + ((id * 7919) % n);
    const all = Array.from({ length: n }, (_, i) => i + 1).sort((a, b) => ranks[a]! - ranks[b]! || a - b);
    const members = all.filter((id) => id % 33 === 0);
    const order = rankOrder(new RowSet(members, 0), 'e.name', { ranks, top: n, order: Int32Array.from(all) }, 'asc', 100)!;
    const sorted = [...members].sort((a, b) => ranks[a]! - ranks[b]! || a - b);
    expect(order.page('asc', 0, 100)).toEqual(sorted.slice(0, 100));
    // Found so far: a growable buffer of HEAD_MIN_ROWS members, not the set's 6,060.
    expect(order.bytes).toBe(1_000 * 4);
    expect(order.page('asc', 5_000, 100)).toEqual(sorted.slice(5_000, 5_100));
    expect(order.page('desc', 0, 10)).toEqual(sorted.slice(-10).reverse());
  });

  it('gives the scan up for the whole order when the members sit at the other end (a filter on the sort column: "name starts with Z" ascending), with the same pages', () => {
    const n = 100_000;
    const ranks = new Uint32Array(n + 1);
    for (let id = 1; id <= n; id++) ranks[id] = id;
    const all = Array.from({ length: n }, (_, i) => i + 1);
    // The last 5,000 rows in the order: an ascending first page would pass 95,000 entries (19 a member).
    const members = all.slice(-5_000);
    const handedOver = rankScans.handedOver;
    const order = new RankOrder(new RowSet(members, 0), { ranks, top: n, order: Int32Array.from(all) }, null);
    expect(order.page('desc', 0, 50)).toEqual(members.slice(-50).reverse());
    expect(rankScans.handedOver).toBe(handedOver);
    expect(order.page('asc', 0, 50)).toEqual(members.slice(0, 50));
    expect(rankScans.handedOver).toBe(handedOver + 1);
    expect(order.page('asc', 4_990, 50)).toEqual(members.slice(4_990));
    expect(order.page('desc', 10, 5)).toEqual(members.slice(-15, -10).reverse());
  });

  it('is none when a member has no rank (the ranks are of another state of the data)', () => {
    const withOrder = { ranks: Uint32Array.from([0, 7, 0]), top: 7, order: Int32Array.from([1]) };
    expect(rankOrder(new RowSet([1, 2], 0), 'e.name', withOrder, 'asc', 1)).toBeNull();
    const ranks = new Uint32Array(10);
    ranks[1] = 100_000;
    expect(orderByRanks(new RowSet([1, 2], 0), { ranks, top: 100_000 })).toBeNull();
    expect(headByRanks(new RowSet([1, 2], 0), { ranks, top: 100_000 }, 'asc', 1)).toBeNull();
    ranks[2] = 5;
    expect(Array.from(orderByRanks(new RowSet([1, 2], 0), { ranks, top: 100_000 })!)).toEqual([2, 1]);
  });
});
