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
  changes: string;
  count: number;
}

export interface WireReview extends Omit<PendingReview, 'loser'> {
  /** The losing change: its index among the new changes, or the entry of the log here. */
  loser: number | LogEntry;
}

export interface FromWorker {
  type: 'done';
  fastForward: number;
  converged: number;
  newer: Uint8Array;
  reviews: WireReview[];
  /** Per run of one row's changes (in the changes' order), the largest stamp of the row's log here, or ''. */
  logMax: string;
  /** Wall and CPU milliseconds of the worker's phases (its own thread's CPU). */
  phases: Record<string, { wall: number; cpu: number }>;
}

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

/** As encodeFresh's input, with site and user left empty (classify does not read them). */
export function decodeFresh(text: string, count: number): LogEntry[] {
  if (count === 0) return [];
  const out: LogEntry[] = new Array(count);
  const entries = text.split(ENTRY);
  for (let i = 0; i < count; i++) {
    const [stamp, tbl, row_id, field, old_value, new_value] = entries[i]!.split(FIELD) as [string, string, string, string, string, string];
    out[i] = { stamp, site: '', user: '', tbl, row_id, field, old_value: old_value === NULL ? null : old_value, new_value: new_value === NULL ? null : new_value };
  }
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

export function encodeClassified(fresh: LogEntry[], c: Classified, cache: EntryCache, phases: FromWorker['phases']): FromWorker {
  let index: Map<LogEntry, number> | null = null;
  const reviews = c.reviews.map((r): WireReview => {
    index ??= new Map(fresh.map((e, i) => [e, i]));
    return { ...r, loser: index.get(r.loser) ?? r.loser };
  });
  const maxes: string[] = [];
  for (const i of rowRuns(fresh)) {
    let max = '';
    for (const e of cache.get(fresh[i]!.tbl, fresh[i]!.row_id)) if (e.stamp > max) max = e.stamp;
    maxes.push(max);
  }
  return { type: 'done', fastForward: c.fastForward, converged: c.converged, newer: c.newer, reviews, logMax: maxes.join(FIELD), phases };
}

/** The worker's answer in the merge's terms: reviews with their losing entries, and each row's newest stamp here. */
export function decodeClassified(fresh: LogEntry[], m: FromWorker): { classified: Classified; logMax: Map<string, string> } {
  const reviews = m.reviews.map((r): PendingReview => ({ ...r, loser: typeof r.loser === 'number' ? fresh[r.loser]! : r.loser }));
  const maxes = m.logMax.split(FIELD);
  const logMax = new Map<string, string>();
  rowRuns(fresh).forEach((i, k) => logMax.set(`${fresh[i]!.tbl}\u0000${fresh[i]!.row_id}`, maxes[k]!));
  return { classified: { fastForward: m.fastForward, converged: m.converged, newer: m.newer, reviews }, logMax };
}
