import type { ValueRanks } from './values';

/** A filtered column's kept ranks, and which ranks the filter keeps (allowed[rank] = 1; rank 0, a row that is not live, never). */
export interface RankCondition {
  ranks: ValueRanks;
  allowed: Uint8Array;
}

/** Filters whose count and set were read from their columns' ranks (the tests check the path is taken). */
export const setsByRanks = { count: 0 };

/** Counts whose conditions on columns of few values were decided from ranks, the rest by SQL (query.ts `rankSplit`; the tests check the path is taken). */
export const rankSplits = { count: 0 };

/**
 * The members of a filter on columns of few values alone (status, kind, industry, building), as a bitmap
 * of rowids with their count, read from those columns' kept ranks: each condition is decided once per
 * distinct value (the caller's `allowed`), then one pass over a byte or two a rowid per column, ~2 ms at 1M.
 * SQLite counted such a filter along one column's index and read every row of it to test the others
 * (kind = startup + a building: 770,000 startups read, 3.7 s at 1M); a filter on status and kind alone was
 * counted along the segment index (~0.4 µs an entry: status = graduated, 192,000 rows, 75 ms) and its set
 * read from it again when a sort needed one. With the set in hand a sort by a column whose whole order is
 * kept (names, credit codes, last change) pages by scanning that order (values.ts `RankOrder`), where a walk
 * of the name index read a table row for each of ~1,300 entries a page (kind = startup + status = exited:
 * 9–13 ms a scrolled page at 1M).
 */
export function bitsByRanks(conditions: readonly RankCondition[]): { bits: Uint32Array; count: number } {
  const ranks = conditions.map((c) => c.ranks.ranks);
  const allowed = conditions.map((c) => c.allowed);
  const end = Math.min(...ranks.map((r) => r.length));
  const bits = new Uint32Array((end >>> 5) + 1);
  // A word of 32 rows at a time, without branches; the common shapes (one or two columns) without an inner loop.
  if (conditions.length === 1) {
    const [a] = ranks as [ValueRanks['ranks']];
    const [okA] = allowed as [Uint8Array];
    for (let w = 0; w < bits.length; w++) {
      const base = w << 5;
      const n = Math.min(32, end - base);
      let word = 0;
      for (let i = 0; i < n; i++) word |= okA[a[base + i]!]! << i;
      bits[w] = word;
    }
  } else if (conditions.length === 2) {
    const [a, b] = ranks as [ValueRanks['ranks'], ValueRanks['ranks']];
    const [okA, okB] = allowed as [Uint8Array, Uint8Array];
    for (let w = 0; w < bits.length; w++) {
      const base = w << 5;
      const n = Math.min(32, end - base);
      let word = 0;
      for (let i = 0; i < n; i++) word |= (okA[a[base + i]!]! & okB[b[base + i]!]!) << i;
      bits[w] = word;
    }
  } else {
    for (let r = 0; r < end; r++) {
      let keep = 1;
      for (let c = 0; c < ranks.length; c++) keep &= allowed[c]![ranks[c]![r]!]!;
      bits[r >>> 5]! |= keep << (r & 31);
    }
  }
  let count = 0;
  for (let w = 0; w < bits.length; w++) count += popcount(bits[w]!);
  return { bits, count };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
