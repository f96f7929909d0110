import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { nativeBindingOf, type Db } from '../db/open';
import { moduleWorkerScript, startModuleWorker } from '../process/module-worker';
import { BUSY, newRankFlags, STOP } from './rank-flags';
import type { RankAnswer, RankAsk } from './rank-worker';
import { askedRanks, beginRankRequest, cacheKey, keepBackgroundRanks, type RankQuery, type RankRequest } from './values';

/**
 * Sort ranks read off the request path (item 1b of issue 14): the first read of a column's ranks costs
 * 250–1,700 ms of CPU at 1M, once per process and column, and was paid by the page that needed them.
 * Now the grid asks a worker thread (rank-worker.ts, its own read-only connection) and pages meanwhile
 * with the plan it has without ranks (a walk of the sort index). The answer is taken synchronously at
 * the next page (`receiveMessageOnPort`: no turn of the event loop needed, as a burst of grid calls
 * gives none) and kept only if it can be brought up to date (values.ts, `keepBackgroundRanks`).
 *
 * Only for parks of at least `backgroundRanks.minRows` live rows in a WAL file (a worker's connection
 * sees the main one's commits); elsewhere, and if the thread cannot start or fails, ranks are read on
 * the request path as before.
 */
export const backgroundRanks = {
  /** Below this, a read takes under ~50 ms and a thread is not worth its start (~0.2 s of CPU built, 0.6 s through tsx). */
  minRows: 200_000,
  /** Asks answered and kept since the process started (the tests and the bench check both). */
  answered: 0,
  kept: 0,
  /**
   * Longest a page waits for an answer already asked for (a read at 1M takes 0.2–1.7 s), before reading
   * on its own; also how long a stop waits for a read in progress. Tests on a loaded machine raise it.
   */
  waitMs: 5_000,
};

interface Asked {
  id: number;
  query: RankQuery;
  request: RankRequest;
}

class RankReader {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flags = newRankFlags();
  private readonly asked = new Map<string, Asked>();
  private nextId = 0;
  broken = false;

  constructor(
    private readonly db: Db,
    file: string,
    nativeBinding: string | undefined,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startModuleWorker('grid-rank-worker', WORKER_SOURCE, {
      workerData: { file, port: port2, flags: this.flags, ...(nativeBinding ? { nativeBinding } : {}) },
      transferList: [port2],
    });
    this.worker.unref();
    const fail = () => {
      this.broken = true;
      this.forgetAsks();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  /** Asks for a column's ranks unless already asked; false when it cannot be asked now (inside a transaction). */
  ask(db: Db, query: RankQuery): boolean {
    const key = cacheKey(query);
    if (this.asked.has(key)) return true;
    const request = beginRankRequest(db, query);
    if (!request) return false;
    const asked = { id: ++this.nextId, query, request };
    this.asked.set(key, asked);
    let requests = askedRanks.get(db);
    if (!requests) askedRanks.set(db, (requests = new Set()));
    requests.add(request);
    const message: RankAsk = { id: asked.id, query, keepValues: !!request.log };
    this.port.postMessage(message);
    return true;
  }

  /** Takes the answers that have arrived and keeps what can be kept. */
  collect(db: Db): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) this.take(db, m.message as RankAnswer);
  }

  private take(db: Db, answer: RankAnswer): void {
    const entry = [...this.asked].find(([, a]) => a.id === answer.id);
    if (!entry) return;
    const [key, asked] = entry;
    this.asked.delete(key);
    askedRanks.get(db)?.delete(asked.request);
    backgroundRanks.answered++;
    if (answer.error) return;
    if (keepBackgroundRanks(db, asked.query, asked.request, { ranks: answer.ranks, values: answer.values })) backgroundRanks.kept++;
  }

  /**
   * Waits (without spinning) until the column's answer is in and taken, at most waitMs; false if it is
   * not. The thread reads one column at a time in the order asked: while a column asked earlier is still
   * being read, waiting would cost that read plus this one (name ranks alone take 1.7 s at 1M), so the
   * page reads this column itself, as it would without the thread.
   */
  wait(db: Db, query: RankQuery): boolean {
    const key = cacheKey(query);
    return this.waitUntil(db, () => {
      const mine = this.asked.get(key);
      return !mine ? 'done' : this.queuedBefore(mine) ? 'give up' : 'wait';
    });
  }

  /** Waits until every answer asked for is in and taken (tests and the bench: a page after this finds them). */
  settle(db: Db): boolean {
    return this.waitUntil(db, () => (this.asked.size ? 'wait' : 'done'));
  }

  private waitUntil(db: Db, state: () => 'done' | 'wait' | 'give up'): boolean {
    const until = Date.now() + backgroundRanks.waitMs;
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      this.collect(db);
      const now = state();
      if (now === 'done') return true;
      if (now === 'give up' || this.broken || Date.now() > until) return false;
      Atomics.wait(sleeper, 0, 0, 2);
    }
  }

  private queuedBefore(ask: Asked): boolean {
    for (const other of this.asked.values()) if (other.id < ask.id) return true;
    return false;
  }

  /** Asks no answer will come for: the connection's writes need not carry their stamps forward (values.ts). */
  private forgetAsks(): void {
    this.asked.clear();
    askedRanks.delete(this.db);
  }

  /**
   * Ends the thread, having waited (at most waitMs) for a read in progress to close the file: a restore
   * replaces the file next, which Windows refuses while another handle is open on it.
   */
  close(): void {
    this.forgetAsks();
    Atomics.store(this.flags, STOP, 1);
    if (!this.broken) Atomics.wait(this.flags, BUSY, 1, backgroundRanks.waitMs);
    void this.worker.terminate();
  }
}

const readers = new WeakMap<Db, RankReader | null>();

const WORKER_SOURCE = join(__dirname, 'rank-worker.ts');

/**
 * Whether the thread can load: built, its entry beside the core's (electron.vite.config.ts); from the
 * sources, its file and tsx. A thread that cannot load says so only through an event, which a page
 * waiting synchronously for its answer would never see (it would wait waitMs for nothing).
 */
function loadable(): boolean {
  const script = moduleWorkerScript('grid-rank-worker', WORKER_SOURCE);
  if (!script.eval) return true;
  try {
    createRequire(WORKER_SOURCE).resolve('tsx/cjs/api');
    return existsSync(WORKER_SOURCE);
  } catch {
    return false;
  }
}

/** The connection's reader, started on first use; null where there is none (see above). */
function readerFor(db: Db): RankReader | null {
  let reader = readers.get(db);
  if (reader === undefined) {
    reader = null;
    const wal = !db.memory && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    if (wal && loadable()) {
      try {
        reader = new RankReader(db, db.name, nativeBindingOf(db));
      } catch {
        reader = null;
      }
    }
    readers.set(db, reader);
  }
  if (reader && (reader.broken || !db.open)) {
    reader.close();
    readers.set(db, null);
    return null;
  }
  return reader;
}

/**
 * Asks for a column's ranks in the background, for a park of `liveRows`; false when they will not come
 * that way (a small park, no thread, inside a transaction): the caller reads them itself if it needs them.
 */
export function askRanks(db: Db, query: RankQuery, liveRows: number): boolean {
  // Only the core's own connection, outside a transaction: an export's or a job-time snapshot's read
  // connection lives for one job, and a thread started for it would outlive it (and hold its file open).
  if (liveRows < backgroundRanks.minRows || db.inTransaction || db.readonly) return false;
  return readerFor(db)?.ask(db, query) ?? false;
}

/**
 * Takes any answers that have arrived (a page calls this before it looks for kept ranks). Not inside a
 * transaction: data_version stands still there, so an answer read after another connection's commit
 * would look current to a read transaction that cannot see that commit. They wait in the port till then.
 */
export function collectRanks(db: Db): void {
  if (!db.inTransaction && readers.get(db)) readerFor(db)?.collect(db);
}

/** Waits for ranks on their way (a page that cannot do without them); false if they did not come. */
export function awaitRanks(db: Db, query: RankQuery): boolean {
  const reader = readers.get(db);
  return !!reader && reader.wait(db, query);
}

/** Waits until every answer this connection asked for is in and taken; false if one did not come in time. */
export function settleRanks(db: Db): boolean {
  const reader = readers.get(db);
  return !reader || reader.settle(db);
}

/** Stops the connection's reader: before the core closes or swaps its file (a restore), and in tests. */
export function stopRankReader(db: Db): void {
  readers.get(db)?.close();
  readers.delete(db);
}
