import { EntryCache, fieldWinner, type AliasIndex, fieldWinners, sameJson, type FieldWrite, type LogEntry } from '../db/materialize';
import type { Row } from '../db/write';
import type { TableName } from '../db/tables';

/**
 * The merge's classification (sync/merge.ts, step 2): each new change counted as fast-forward,
 * converged or conflict against what its field holds here, before anything is stored. It reads only
 * (the changed rows' logs, the aliases), so it runs either on the merge's own connection or on a worker
 * thread's read-only one (merge-worker.ts), which under WAL sees the database as it was before the
 * merge's transaction: the same answers, while the merge's connection stores the changes meanwhile.
 */

/** Bookkeeping tables are plain last-writer-wins: a conflict about a review item is not reviewed again. */
export const NO_REVIEW = new Set<string>(['review_items', 'row_aliases']);

export interface PendingReview {
  kind: 'conflict' | 'deleted_edit';
  tbl: TableName;
  rowId: string;
  field: string;
  lost: unknown;
  loser: LogEntry;
  /**
   * Found by comparing a merged record's whole group again (merge.ts absorbedReviews): it may be a
   * conflict met by an earlier merge, listed then; one whose review item is here already is not news.
   */
  group?: boolean;
}

export interface Classified {
  fastForward: number;
  converged: number;
  reviews: PendingReview[];
  /**
   * For each new change (by index), what the merge's short way (PlainRows.offer) is told: 1 when the
   * change is newer than what its field held here and its row is its own survivor, else 0. A snapshot
   * is 0 (it always takes the long way).
   */
  newer: Uint8Array;
}

type Outcome = 'ff' | 'same' | 'conflict';
/** A change's outcome over the fields it writes: any conflict, else any fast-forward, else converged. */
const worse = (a: Outcome, b: Outcome): Outcome => (a === 'conflict' || b === 'conflict' ? 'conflict' : a === 'ff' || b === 'ff' ? 'ff' : 'same');

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
const same = (a: unknown, b: unknown) => sameJson(a ?? null, b ?? null);

/** Reads, in batches, the logs classify will read: each changed row's survivor with its absorbed rows. */
export function preloadRoots(cache: EntryCache, fresh: LogEntry[]): void {
  for (const [table, members] of rootMembers(cache.aliases(), fresh)) cache.preload(table, members);
}

/** Per table, the rows whose logs classify reads: each changed row's survivor and its absorbed rows. */
export function rootMembers(aliases: AliasIndex, fresh: LogEntry[]): Map<string, Set<string>> {
  const rows = new Map<string, Set<string>>();
  for (const e of fresh) {
    let ids = rows.get(e.tbl);
    if (!ids) rows.set(e.tbl, (ids = new Set()));
    ids.add(e.row_id);
  }
  const out = new Map<string, Set<string>>();
  for (const [table, ids] of rows) {
    const members = new Set<string>();
    for (const id of ids) for (const m of aliases.members(table, aliases.survivor(table, id))) members.add(m);
    out.set(table, members);
  }
  return out;
}

/**
 * Counts each new change as fast-forward, converged or conflict, and lists the losers to review. A
 * field's current write is the latest among its row's log here (the survivor's history) and the
 * package's earlier changes; each row's log is folded once, not once a change.
 */
export function classify(fresh: LogEntry[], cache: EntryCache, wholeRows = false): Classified {
  const classifier = new Classifier(fresh, cache, wholeRows);
  classifier.run(0, fresh.length);
  return classifier.out;
}

/**
 * `classify`, a range of the changes at a time, in order (the classify thread streams its answer back in
 * chunks, merge-stream.ts): after `run(0, a)`, `run(a, b)`… up to the last change, `out` is what
 * `classify` gives, since each change is classified against the same state in the same order.
 */
export class Classifier {
  readonly out: Classified;
  private readonly state = new Map<string, FieldWrite | undefined>();
  // The long way (fullFold) folds each row's whole log into the winners of all its fields; the short way
  // asks only for the fields the package writes (fieldWinner). The differential test compares the two.
  private readonly held = new Map<string, Map<string, FieldWrite>>();
  private readonly logs = new Map<string, LogEntry[]>();

  constructor(private readonly fresh: LogEntry[], private readonly cache: EntryCache, private readonly wholeRows = false) {
    this.out = { fastForward: 0, converged: 0, reviews: [], newer: new Uint8Array(fresh.length) };
  }

  /** The row whose log `currentWrite` folded last: a row's changes mostly come side by side (one save's fields). */
  private lastTable = '';
  private lastRoot = '';
  private lastEntries: LogEntry[] = [];

  private currentWrite(aliases: AliasIndex, table: TableName, root: string, field: string): FieldWrite | undefined {
    const cache = this.cache;
    if (!this.wholeRows) {
      if (root !== this.lastRoot || table !== this.lastTable) {
        const rowKey = `${table}\u0000${root}`;
        let entries = this.logs.get(rowKey);
        if (!entries) this.logs.set(rowKey, (entries = aliases.empty ? cache.get(table, root) : aliases.members(table, root).flatMap((id) => cache.get(table, id))));
        this.lastTable = table;
        this.lastRoot = root;
        this.lastEntries = entries;
      }
      return fieldWinner(this.lastEntries, field);
    }
    const rowKey = `${table}\u0000${root}`;
    let wins = this.held.get(rowKey);
    if (!wins) this.held.set(rowKey, (wins = fieldWinners(aliases.members(table, root).flatMap((id) => cache.get(table, id)))));
    return wins.get(field);
  }

  /**
   * Row `root` of `table` will not be asked for again (its changes are all classified): its folded log
   * is dropped (the fields' current writes stay, in `state`). Asked for after all (a change of a row
   * absorbed into it), it is folded again from the cache.
   */
  forget(table: string, root: string): void {
    this.logs.delete(`${table}\u0000${root}`);
    this.held.delete(`${table}\u0000${root}`);
    if (root === this.lastRoot && table === this.lastTable) {
      this.lastRoot = '';
      this.lastEntries = [];
    }
  }

  /** Classifies the changes from index `from` up to (not including) `to`. */
  run(from: number, to: number): void {
    const { fresh, out } = this;
    const aliases = this.cache.aliases();
    for (let i = from; i < to; i++) {
      const e = fresh[i]!;
      const table = e.tbl as TableName;
      const root = aliases.survivor(table, e.row_id);
      let outcome: Outcome;
      if (e.field === '*') {
        // A snapshot writes each field it holds; with none it changes nothing here (a fast-forward).
        let found: Outcome | null = null;
        for (const [field, value] of Object.entries((parse(e.new_value) ?? {}) as Row)) {
          const result = this.write(aliases, i, e, table, root, field, value, null);
          found = found === null ? result : worse(found, result);
        }
        outcome = found ?? 'ff';
      } else outcome = this.write(aliases, i, e, table, root, e.field, parse(e.new_value), parse(e.old_value));
      if (outcome === 'ff') out.fastForward++;
      else if (outcome === 'same') out.converged++;
    }
  }

  /** One field's write by change `e` (index `i`), classified against the field's current write. */
  private write(aliases: AliasIndex, i: number, e: LogEntry, table: TableName, root: string, field: string, value: unknown, old: unknown): Outcome {
    const { state, out } = this;
    const key = `${table}\u0000${root}\u0000${field}`;
    const w = state.has(key) ? state.get(key) : this.currentWrite(aliases, table, root, field);
    let result: Outcome;
    if (!w) result = 'ff';
    else if (same(value, w.value)) result = 'same';
    else if (e.stamp > w.stamp) {
      result = same(old, w.value) ? 'ff' : 'conflict';
      if (result === 'conflict' && !NO_REVIEW.has(table)) out.reviews.push({ kind: 'conflict', tbl: table, rowId: root, field, lost: w.value, loser: w.entry });
    } else {
      result = same(w.old, value) ? 'ff' : 'conflict';
      if (result === 'conflict' && !NO_REVIEW.has(table)) out.reviews.push({ kind: 'conflict', tbl: table, rowId: root, field, lost: value, loser: e });
    }
    if (NO_REVIEW.has(table) && result === 'conflict') result = 'ff';
    // A snapshot's row always goes the long way, whatever its fields meet.
    if (e.field !== '*' && (!w || e.stamp > w.stamp) && root === e.row_id) out.newer[i] = 1;
    if (!w || e.stamp > w.stamp) state.set(key, { stamp: e.stamp, value, old, entry: e });
    return result;
  }
}
