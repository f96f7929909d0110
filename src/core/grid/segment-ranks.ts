import type { Cell } from './segments';
import type { ValueRanks } from './values';

/** A segment column's kept ranks with its distinct values in order (values.ts `knownRanksWithValues`). */
export interface ColumnRanks {
  ranks: ValueRanks;
  values: readonly unknown[];
}

/** Filters whose count and set were read from the segment columns' ranks (the tests check the path is taken). */
export const segmentSetsByRanks = { count: 0 };

/**
 * The members of a filter on the segment columns alone (status × kind), as a bitmap of rowids with their
 * count, read from those columns' kept ranks: one pass over a byte a rowid per column, ~2 ms at 1M. The
 * segment index gave the count by counting its ranges (~0.4 µs an entry: status = graduated, 192,000 rows,
 * 75 ms) and the set by reading them again (15–70 ms) when a sort needed it. With the set in hand a sort by
 * a column whose whole order is kept (names, credit codes, last change) pages by scanning that order
 * (values.ts `RankOrder`), where a walk of the name index read a table row for each of ~1,300 entries a page
 * (kind = startup + status = exited: 9–13 ms a scrolled page at 1M).
 *
 * `cells` are the filter's segments (values of the columns, in their order). Null when a segment's value has
 * no rank: ranks that are not this data's (the caller then counts along the segment index).
 */
export function segmentBitsByRanks(cells: readonly Cell[], columns: readonly ColumnRanks[]): { bits: Uint32Array; count: number } | null {
  if (!columns.length || cells.some((cell) => cell.length !== columns.length)) return null;
  // A row's ranks as one index into a table of the segments kept: rank of the first column × (the
  // second's top + 1) + rank of the second, and so on (rank 0: not a live row, never kept).
  const sizes = columns.map((c) => c.ranks.top + 1);
  const kept = new Uint8Array(sizes.reduce((a, b) => a * b, 1));
  const rankOf = columns.map((c) => new Map(c.values.map((v, i) => [v, i + 1])));
  for (const cell of cells) {
    let at = 0;
    for (let c = 0; c < columns.length; c++) {
      const rank = rankOf[c]!.get(cell[c]);
      // A segment present among live rows has a rank in each column.
      if (rank === undefined) return null;
      at = at * sizes[c]! + rank;
    }
    kept[at] = 1;
  }
  const ranks = columns.map((c) => c.ranks.ranks);
  const end = Math.min(...ranks.map((r) => r.length));
  const bits = new Uint32Array((end >>> 5) + 1);
  if (columns.length === 2) {
    // The enterprise grid's case (status × kind): a word of 32 rows at a time, without branches.
    const [a, b] = ranks as [ValueRanks['ranks'], ValueRanks['ranks']];
    const width = sizes[1]!;
    for (let w = 0; w < bits.length; w++) {
      const base = w << 5;
      const n = Math.min(32, end - base);
      let word = 0;
      for (let i = 0; i < n; i++) word |= kept[a[base + i]! * width + b[base + i]!]! << i;
      bits[w] = word;
    }
  } else {
    for (let r = 0; r < end; r++) {
      let at = 0;
      for (let c = 0; c < ranks.length; c++) at = at * sizes[c]! + ranks[c]![r]!;
      bits[r >>> 5]! |= kept[at]! << (r & 31);
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
