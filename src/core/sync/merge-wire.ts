import type { EntryCache, LogEntry } from '../db/materialize';
import type { Classified, PendingReview } from './merge-classify';

/**
 * What travels between the merge and its classify worker (merge-worker.ts), kept compact: the new
 * changes as one string (one copy, not 100,000 cloned objects), and back one byte a change, the review
 * items (few) and, per run of one row's changes, the newest stamp its log held here.
 */

const FIELD = '\u0001';
const ENTRY = '\u0002';
/** A null old or new value (JSON text never holds a raw control character, so this is no value). */
const NULL = '\u0003';

export interface ToWorker {
  /** The new changes as encodeFresh writes them (`count` of them), or, from a package file, `lines`. */
  changes?: string;
  count: number;
  /**
   * The package's change lines as they are (ChangePackage.changesBytes) with, in `pick`, the line of
   * each new change in the order the merge classifies them (decodeLines): nothing encoded again.
   */
  lines?: Uint8Array;
  pick?: Int32Array;
  /** With `lines`: the first, middle and last new change (`changeSample`), which the lines must give. */
  sample?: string[];
  /** Changes a chunk of the answer (merge-worker.ts CHUNK when not given; tests make it small). */
  chunk?: number;
  /** Tests only (merge-thread.ts classifyTesting): fail after sending this many chunks; pause after each. */
  failAfter?: number;
  pauseMs?: number;
}

export interface WireReview extends Omit<PendingReview, 'loser'> {
  /** The losing change: its index among the new changes, or the entry of the log here. */
  loser: number | LogEntry;
}

/**
 * One chunk of the classification, in the changes' order (the thread streams its answer so that the
 * merge rewrites the first rows while it classifies the rest): the changes from `from` to `to`.
 */
export interface ChunkFromWorker {
  type: 'chunk';
  from: number;
  to: number;
  /** One byte a change of the chunk (Classified.newer). */
  newer: Uint8Array;
  /** The review items found in the chunk. */
  reviews: WireReview[];
  /** For each run of one row's changes that begins in the chunk, the largest stamp of the row's log here, or ''. */
  logMax: string;
  /** The rewrites of plain rows whose last change is in the chunk, worked out on the thread (PlainRows.plan). */
  plans?: WirePlan[];
  /** On the last chunk: the counts of the whole package, and the worker's phases (its own thread's CPU). */
  done?: { fastForward: number; converged: number; phases: Record<string, { wall: number; cpu: number }> };
}

/** A PlainRows RowPlan on the wire: row key (table, NUL, id), rowid, fields, their SQL values, last-write time. */
export type WirePlan = [string, number, string[], unknown[], string];

/**
 * The changes classify reads (stamp, table, row, field, old and new value) as one string, or null when
 * one of them holds a separator (a row id is the only free text among them): the caller classifies in
 * its own thread then.
 */
export function encodeFresh(fresh: LogEntry[]): string | null {
  const parts: string[] = new Array(fresh.length);
  for (let i = 0; i < fresh.length; i++) {
    const e = fresh[i]!;
    // eslint-disable-next-line no-control-regex -- the separators are control characters on purpose
    if (/[\u0000-\u0003]/.test(e.row_id)) return null;
    parts[i] = `${e.stamp}${FIELD}${e.tbl}${FIELD}${e.row_id}${FIELD}${e.field}${FIELD}${e.old_value ?? NULL}${FIELD}${e.new_value ?? NULL}`;
  }
  return parts.join(ENTRY);
}

/**
 * As encodeFresh's input, with site and user left empty (classify does not read them). Read field by field
 * with indexOf, not split twice: the 100,000 strings of whole changes and their 100,000 arrays the splits
 * made were garbage at once (100,000 changes of the bench package: about 215 → 165 ms CPU with the garbage
 * collection, on the classify thread, .bench micro-benchmark in session 20).
 */
export function decodeFresh(text: string, count: number): LogEntry[] {
  if (count === 0) return [];
  const out: LogEntry[] = new Array(count);
  let at = 0;
  const next = (separator: string): string => {
    const end = text.indexOf(separator, at);
    const part = end < 0 ? text.slice(at) : text.slice(at, end);
    at = end < 0 ? text.length : end + 1;
    return part;
  };
  for (let i = 0; i < count; i++) {
    const stamp = next(FIELD);
    const tbl = next(FIELD);
    const row_id = next(FIELD);
    const field = next(FIELD);
    const old_value = next(FIELD);
    const new_value = next(ENTRY);
    out[i] = { stamp, site: '', user: '', tbl, row_id, field, old_value: old_value === NULL ? null : old_value, new_value: new_value === NULL ? null : new_value };
  }
  return out;
}

/**
 * The new changes from a package's change lines (ChangePackage.changesBytes, one JSON array a change,
 * UTF-8): line `pick[i]` is the i-th. Read on the classify thread, so that the merge's thread, which has
 * parsed the same lines already, does not write them out again for it (encodeFresh: 0.2 s of its CPU at 100,000).
 */
export function decodeLines(bytes: Uint8Array, pick: Int32Array): LogEntry[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const starts: number[] = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  starts.push(text.length + 1);
  const out: LogEntry[] = new Array(pick.length);
  for (let i = 0; i < pick.length; i++) {
    const line = pick[i]!;
    if (line + 1 >= starts.length) throw new Error(`change line ${line} of ${starts.length - 1}`);
    const a = JSON.parse(text.slice(starts[line]!, starts[line + 1]! - 1)) as (string | null)[];
    out[i] = { stamp: a[0]!, site: a[1]!, user: a[2]!, tbl: a[3]!, row_id: a[4]!, field: a[5]!, old_value: a[6] ?? null, new_value: a[7] ?? null };
  }
  return out;
}

/**
 * A few of the new changes' identities (the first, the middle, the last): the classify thread checks
 * that the package's lines give the same changes the merge holds, whatever the caller passed.
 */
export function changeSample(fresh: LogEntry[]): string[] {
  const at = fresh.length ? [0, fresh.length >> 1, fresh.length - 1] : [];
  return at.map((i) => `${fresh[i]!.stamp}${FIELD}${fresh[i]!.tbl}${FIELD}${fresh[i]!.row_id}${FIELD}${fresh[i]!.field}${FIELD}${fresh[i]!.new_value ?? NULL}`);
}

/** Row key (table, NUL, id) → the index of the row's last change among `fresh`: where a row's changes are all classified. */
export function lastIndexOfRows(fresh: LogEntry[]): Map<string, number> {
  const last = new Map<string, number>();
  // Set at the end of each run of one row's changes only (a key a run, not a key a change: a row's later run overwrites).
  for (let i = 0; i < fresh.length; i++) {
    const e = fresh[i]!;
    const next = fresh[i + 1];
    if (next && next.row_id === e.row_id && next.tbl === e.tbl) continue;
    last.set(`${e.tbl}\u0000${e.row_id}`, i);
  }
  return last;
}

/**
 * For each change, 1 when it is its row's last among `fresh` (lastIndexOfRows as one byte a change: the
 * classify thread asks for every change, and a key a change was a string and a look-up each).
 */
export function lastChangesOfRows(fresh: LogEntry[]): Uint8Array {
  const out = new Uint8Array(fresh.length);
  for (const i of lastIndexOfRows(fresh).values()) out[i] = 1;
  return out;
}

/** Runs of one row's changes: the index where each begins. */
export function rowRuns(fresh: LogEntry[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < fresh.length; i++) {
    const prev = fresh[i - 1];
    if (!prev || prev.row_id !== fresh[i]!.row_id || prev.tbl !== fresh[i]!.tbl) starts.push(i);
  }
  return starts;
}

/**
 * The chunk [from, to) of a classification that has run that far: `runs` is rowRuns(fresh), `reviewsFrom`
 * the number of reviews sent before, `indexOf` a change's index in `fresh` (undefined for an entry of the log here).
 */
export function encodeChunk(fresh: LogEntry[], c: Classified, cache: EntryCache, runs: number[], from: number, to: number, reviewsFrom: number, indexOf: (e: LogEntry) => number | undefined): ChunkFromWorker {
  // A loser among the package's changes travels as its index (the review's other fields are plain data).
  const reviews = c.reviews.slice(reviewsFrom).map((r): WireReview => ({ ...r, loser: indexOf(r.loser) ?? r.loser }));
  const maxes: string[] = [];
  for (const i of runs) {
    if (i < from) continue;
    if (i >= to) break;
    let max = '';
    for (const e of cache.get(fresh[i]!.tbl, fresh[i]!.row_id)) if (e.stamp > max) max = e.stamp;
    maxes.push(max);
  }
  return { type: 'chunk', from, to, newer: c.newer.slice(from, to), reviews, logMax: maxes.join(FIELD) };
}

/** A chunk's review items in the merge's terms (their losing entries). */
export function decodeReviews(fresh: LogEntry[], reviews: WireReview[]): PendingReview[] {
  return reviews.map((r): PendingReview => ({ ...r, loser: typeof r.loser === 'number' ? fresh[r.loser]! : r.loser }));
}

/** A chunk's newest stamps, split: one a run of `runs` that begins in [from, to), in order. */
export function decodeLogMax(text: string): string[] {
  return text.split(FIELD);
}
