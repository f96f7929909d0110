import type { LogEntry } from '../db/materialize';
import { AppError } from '../errors';
import type { PendingReview } from './merge-classify';
import type { RowPlan } from './plain-rows';
import { decodeLogMax, decodeReviews, rowRuns, type ChunkFromWorker } from './merge-wire';

/**
 * The classify thread's answer as it arrives, chunk by chunk in the changes' order (merge-worker.ts), on
 * the merge's side. Each chunk's verdicts go to `sink` as soon as it arrives (the merge offers them to
 * its short way, PlainRows, in the order classify in the merge's own thread would have); the merge
 * rewrites a row once every change of that row has been classified (`readyThrough`), so it rewrites the
 * first rows while the thread classifies the rest, and waits for the whole answer (`all`) only before
 * what needs it (a row taking the long way, the review items).
 */
export class ClassifyStream {
  /** Changes classified so far: the answer for changes [0, upTo) has arrived. */
  private upTo = 0;
  private readonly newer: Uint8Array;
  /** The review items, in classify's order. */
  readonly reviews: PendingReview[] = [];
  /** Row key (table, id) → the largest stamp of its log before the merge, for every row classified so far. */
  readonly logMax = new Map<string, string>();
  /** Row key → the plain row's rewrite, worked out on the thread (PlainRows.usePlans). */
  readonly plans = new Map<string, RowPlan>();
  private readonly runs: number[];
  private run = 0;
  private done: ChunkFromWorker['done'] | null = null;
  private failed: Error | null = null;
  private wake: (() => void) | null = null;
  /** Milliseconds the merge spent waiting for chunks (a phase of the bench's figures). */
  waited = 0;

  constructor(
    private readonly fresh: LogEntry[],
    private readonly sink: (from: number, to: number, newer: Uint8Array) => void,
  ) {
    this.newer = new Uint8Array(fresh.length);
    this.runs = rowRuns(fresh);
  }

  /** A chunk from the thread. Chunks come in order; one out of order is a broken thread. */
  receive(m: ChunkFromWorker): void {
    if (this.failed || this.done) return;
    if (m.from !== this.upTo || m.to < m.from || m.to > this.fresh.length) return this.fail(new Error(`chunk ${m.from}–${m.to} after ${this.upTo}`));
    this.newer.set(m.newer, m.from);
    this.reviews.push(...decodeReviews(this.fresh, m.reviews));
    const maxes = decodeLogMax(m.logMax);
    let k = 0;
    while (this.run < this.runs.length && this.runs[this.run]! < m.to) {
      const i = this.runs[this.run++]!;
      this.logMax.set(`${this.fresh[i]!.tbl}\u0000${this.fresh[i]!.row_id}`, maxes[k++] ?? '');
    }
    for (const [key, rowid, fields, values, updated] of m.plans ?? []) this.plans.set(key, { rowid, fields, values, updated });
    this.sink(m.from, m.to, this.newer);
    this.upTo = m.to;
    if (m.done) {
      if (m.to !== this.fresh.length) return this.fail(new Error(`the answer ended at ${m.to} of ${this.fresh.length} changes`));
      this.done = m.done;
    }
    this.wakeUp();
  }

  /** The thread failed (or the merge was cancelled): every wait, now or later, throws `err`. */
  fail(err: Error): void {
    this.failed ??= err instanceof AppError ? err : new AppError('internal', { detail: `merge classify worker: ${err.message}` });
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async waitFor(ready: () => boolean): Promise<void> {
    if (this.failed) throw this.failed;
    if (ready()) return;
    const t = performance.now();
    try {
      while (!ready()) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        if (this.failed) throw this.failed;
      }
    } finally {
      this.waited += performance.now() - t;
    }
  }

  /**
   * Whether the changes up to index `last` of the new changes are classified (a row's are when its last
   * change is: the merge knows each row's last); undefined, for a row the package does not change: whether
   * the whole answer has arrived. Asked first, so that a row whose answer is in costs no promise.
   */
  readyThrough(last: number | undefined): boolean {
    return this.done !== null || (last !== undefined && this.upTo > last);
  }

  /** Resolves once `readyThrough(last)`. */
  async whenReadyThrough(last: number | undefined): Promise<void> {
    if (last === undefined) await this.all();
    else await this.waitFor(() => this.upTo > last);
  }

  /** The whole answer: the counts and the thread's phases (the reviews are `reviews`). */
  async all(): Promise<NonNullable<ChunkFromWorker['done']>> {
    await this.waitFor(() => this.done !== null);
    return this.done!;
  }

  get complete(): boolean {
    return this.done !== null;
  }
}
