import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { LogEntry } from '../db/materialize';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { startModuleWorker } from '../process/module-worker';
import { ClassifyStream } from './merge-stream';
import { withSemiSpace } from './young-generation';
import type { ChunkFromWorker, ToWorker } from './merge-wire';

/**
 * Packages of at least this many changes are classified on a second thread (merge-worker.ts). The
 * thread's start costs about 0.2 s of CPU built (0.6 s from the sources through tsx), and the changes'
 * trip there about 0.1 s a 100,000; what it takes off the merge's thread is reading the logs, classifying
 * and working out the plain rows' UPDATEs, about 1.5 s of CPU at 100,000 changes into the million-enterprise
 * bench database (15 µs a change), and its answer streams back while the merge stores and rewrites. By
 * that count it would pay from about 20,000 changes with a free second core; measured on a loaded
 * machine (tests/bench/sync-threshold.ts, load 6–7 on two cores) it did not pay even at 50,000, so the
 * threshold stays until a quiet measurement. Below it a merge classifies in its own thread: a hub's
 * everyday merge of a few hundred changes classifies in milliseconds.
 */
export const WORKER_THRESHOLD = 50_000;

/**
 * The classify thread's young generation (MB). The core process starts with `--max-semi-space-size=4`
 * (process/v8-flags.ts, for the import's memory), which caps a worker's semi-spaces too, whatever its
 * resourceLimits say: the thread, which makes a few hundred bytes of short-lived objects per change read
 * (log entries, snapshots, keys), scavenged every 4–5 MB and carried the logs it keeps across them into
 * the old generation. Its start lifts the cap for it alone (young-generation.ts). Tried in session 19 at
 * load 17–29 and backed out (no gain shown there); measured again at load 1–2 (session 26, the bench's
 * built child, 4 runs in turns each way): the merge in a fresh process 2.82–3.61 → 2.74–2.84 s, the merge
 * after a preview 2.57–2.63 → 2.09–2.37 s, process CPU 5.0–6.1 → 4.8–5.0 s and 4.2–4.6 → 3.6–3.8 s;
 * the third run (the thread warm from two merges) unchanged at 1.9–2.1 s.
 */
export const CLASSIFY_YOUNG_MB = 48;

/**
 * For tests only. `afterChunks`: the classify thread fails (throws) after sending that many chunks of
 * its answer, as a thread that dies half way through would (the crash guarantees). `pauseMs`: it pauses
 * that long after each chunk, so that the merge rewrites rows while most of the answer is still to come.
 * `binding`: the SQLite binding the thread loads (a missing one: a thread that cannot load). `onStart`:
 * called as a thread starts (a test of when importSource starts it).
 */
export const classifyTesting: { afterChunks: number | null; pauseMs: number | null; binding?: string; onStart?: () => void; warmMs?: number } = { afterChunks: null, pauseMs: null };

/**
 * How long a classify thread that finished its merge is kept for the next merge into the same
 * connection: a preview (a dry run) and then the merge itself, a minute or two later, as the merge page
 * runs them. The kept thread has loaded, opened the file and compiled its hot code: the merge after a
 * preview took about 0.3 s less (best of 3 at 100,000 changes into 1M, session 21: 2.46–2.83 → 2.15–2.64 s)
 * and about 0.5 s less CPU. It holds its V8 heap (tens of MB) meanwhile; its SQLite cache is let go
 * after each merge (merge-worker.ts).
 */
export const WARM_THREAD_MS = 5 * 60_000;

/** Per connection, the classify thread kept warm after its last merge, with the timer that ends it. */
const warmThreads = new Map<Db, { thread: ClassifyThread; timer: NodeJS.Timeout }>();

/** Ends the thread kept warm for `db` (the connection closes, or a restore replaces its file). */
export function stopWarmThread(db: Db): void {
  const kept = warmThreads.get(db);
  if (!kept) return;
  warmThreads.delete(db);
  clearTimeout(kept.timer);
  kept.thread.stop();
}

/** Whether a thread is kept warm for `db` (for the tests). */
export function hasWarmThread(db: Db): boolean {
  return warmThreads.has(db);
}

/**
 * The classify worker of one merge. Started as early as possible (its start overlaps the merge's
 * first steps); `ready` says whether it loaded (a worker thread may be unable to load the app's code or
 * its SQLite binding, in a packaged app: the merge then classifies in its own thread, as for a small
 * package). It must be told to classify only once the merge's transaction holds the write lock.
 */
export class ClassifyThread {
  private readonly worker: Worker;
  private readonly started: Promise<boolean>;
  private stream: ClassifyStream | null = null;
  private failed: Error | null = null;

  /**
   * A thread for `db`: the one kept warm after its last merge, if it is sound, else a new one; null
   * when another connection cannot share what it sees (in memory, not WAL).
   */
  static start(db: Db, nativeBinding?: string): ClassifyThread | null {
    if (db.memory || db.readonly || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
    const kept = warmThreads.get(db);
    if (kept) {
      warmThreads.delete(db);
      clearTimeout(kept.timer);
      // Same file and binding (one connection); a thread that died while kept is not taken.
      if (!kept.thread.failed && kept.thread.binding === nativeBinding) return kept.thread;
      kept.thread.stop();
    }
    return new ClassifyThread(db, nativeBinding);
  }

  private constructor(
    private readonly db: Db,
    private readonly binding?: string,
  ) {
    classifyTesting.onStart?.();
    const start = () => startModuleWorker('merge-worker', join(__dirname, 'merge-worker.ts'), {
      workerData: { file: db.name, ...(binding ? { nativeBinding: binding } : {}) },
      resourceLimits: { maxYoungGenerationSizeMb: CLASSIFY_YOUNG_MB },
    });
    // A young generation of three semi-spaces: the cap lifted for this worker's start alone (young-generation.ts).
    this.worker = withSemiSpace(CLASSIFY_YOUNG_MB / 3, start);
    this.worker.unref();
    this.started = new Promise((resolve) => {
      const fail = (err: Error) => {
        this.failed ??= err;
        resolve(false);
        this.stream?.fail(err);
      };
      this.worker.on('message', (m: ChunkFromWorker | { type: 'ready' } | { type: 'error'; message: string }) => {
        if (m.type === 'ready') resolve(true);
        else if (m.type === 'chunk') {
          // A chunk that cannot be taken in (decoding, a row's plan) fails the merge, which rolls back;
          // thrown from this listener it would be uncaught and end the core's process.
          try {
            this.stream?.receive(m);
          } catch (err) {
            fail(err instanceof Error ? err : new Error(String(err)));
          }
        } else fail(new Error(m.message));
      });
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`the classify worker stopped (exit code ${code})`)));
    });
  }

  /** Whether the worker loaded and opened the database. */
  ready(): Promise<boolean> {
    return this.started;
  }

  /**
   * Sends the new changes (`wire`: merge-wire.ts encodeFresh's text, or a package's lines with the line of
   * each new change); the stream receives the classification
   * chunk by chunk, as `classify(fresh, cache)` on the merge's connection before it stored anything
   * would give, plus each changed row's newest stamp here. `sink` is given each chunk as it arrives.
   */
  classify(fresh: LogEntry[], wire: { changes: string } | { lines: Uint8Array; pick: Int32Array; sample: string[] }, sink: (from: number, to: number, newer: Uint8Array) => void, signal?: AbortSignal, chunk?: number): ClassifyStream {
    const stream = new ClassifyStream(fresh, sink);
    if (this.failed) stream.fail(this.failed);
    this.stream = stream;
    if (signal?.aborted) stream.fail(new AppError('cancelled'));
    signal?.addEventListener('abort', () => stream.fail(new AppError('cancelled')), { once: true });
    const { afterChunks: failAfter, pauseMs } = classifyTesting;
    const message: ToWorker = { ...wire, count: fresh.length, ...(chunk ? { chunk } : {}), ...(failAfter !== null ? { failAfter } : {}), ...(pauseMs !== null ? { pauseMs } : {}) };
    this.worker.postMessage(message, 'pick' in wire ? [wire.pick.buffer as ArrayBuffer] : []);
    return stream;
  }

  /**
   * The merge is over: a thread with nothing left to send (no work given, or its whole answer taken) and
   * no failure is kept warm for the next merge into this connection (WARM_THREAD_MS); any other is ended,
   * since a message still on its way would be taken for the next merge's answer. A second call does nothing.
   */
  release(): void {
    if (this.stopped || warmThreads.get(this.db)?.thread === this) return;
    const idle = !this.failed && (this.stream === null || this.stream.complete);
    this.stream = null;
    if (!idle || !this.db.open) return this.stop();
    stopWarmThread(this.db);
    const timer = setTimeout(() => stopWarmThread(this.db), classifyTesting.warmMs ?? WARM_THREAD_MS);
    timer.unref();
    warmThreads.set(this.db, { thread: this, timer });
  }

  /** Ends the thread; a second call does nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stream = null;
    if (warmThreads.get(this.db)?.thread === this) stopWarmThread(this.db);
    void this.worker.terminate();
  }
  private stopped = false;
}
