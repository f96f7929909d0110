import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { nativeBindingOf, type Db } from '../db/open';
import { moduleWorkerScript, startModuleWorker } from '../process/module-worker';
import { BUSY, newRankFlags, READING, STOP, WANTED } from './rank-flags';
import type { RankAnswer, RankAsk, RankWithdraw } from './rank-worker';
import { askedRanks, beginRankRequest, cacheKey, committedSince, keepBackgroundRanks, knownRanks, rankOrderLimits, type RankQuery, type RankRequest } from './values';

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
  /** Reads the thread answered, and answers kept, since the process started (the tests and the bench check both). */
  answered: 0,
  kept: 0,
  /**
   * Longest a page waits for an answer already asked for (a read at 1M takes 0.2–1.7 s), before reading
   * on its own; also how long a stop waits for a read in progress. Tests on a loaded machine raise it.
   */
  waitMs: 5_000,
  /**
   * Whether a grid asks for its sortable columns' ranks (not names and codes) when it first serves a big park, and again
   * after another connection's commit (`askRanksAhead`). Tests of the asks a slow walk makes turn it off.
   */
  ahead: true,
  /** Asks made ahead since the process started (the bench prints them). */
  askedAhead: 0,
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

  /**
   * Asks for a column's ranks unless already asked; false when it cannot be asked now (inside a
   * transaction). `soon`: a page needs them (its walk was slow), so the thread reads them next, before
   * columns asked ahead.
   */
  ask(db: Db, query: RankQuery, soon = false): boolean {
    const key = cacheKey(query);
    const known = this.asked.get(key);
    // An ask made before another connection's commit would be answered with ranks no longer kept
    // (values.ts): withdrawn and asked again.
    if (known && committedSince(db, known.request)) this.withdraw(db, key, known);
    else if (known) {
      if (soon) Atomics.store(this.flags, WANTED, known.id);
      return true;
    }
    const request = beginRankRequest(db, query);
    if (!request) return false;
    const asked = { id: ++this.nextId, query, request };
    this.asked.set(key, asked);
    let requests = askedRanks.get(db);
    if (!requests) askedRanks.set(db, (requests = new Set()));
    requests.add(request);
    const message: RankAsk = { id: asked.id, query, keepValues: !!request.log, orderMinRanks: rankOrderLimits.orderMinRanks };
    if (soon) Atomics.store(this.flags, WANTED, asked.id);
    this.port.postMessage(message);
    return true;
  }

  /** Takes the answers that have arrived and keeps what can be kept. */
  collect(db: Db): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) this.take(db, m.message as RankAnswer);
  }

  private take(db: Db, answer: RankAnswer): void {
    backgroundRanks.answered++; // every read the thread made, kept or not (a withdrawn ask's too)
    const entry = [...this.asked].find(([, a]) => a.id === answer.id);
    if (!entry) return;
    const [key, asked] = entry;
    this.asked.delete(key);
    askedRanks.get(db)?.delete(asked.request);
    if (answer.error) return;
    if (keepBackgroundRanks(db, asked.query, asked.request, { ranks: answer.ranks, values: answer.values })) backgroundRanks.kept++;
  }

  /**
   * Waits (without spinning) until the column's answer is in and taken, at most waitMs; false if it is
   * not. The thread reads this column next (WANTED), before columns asked earlier. While it is reading
   * another column, waiting would cost the rest of that read plus this one (name ranks alone take 0.9 s
   * of CPU at 1M), so the page reads this column itself, as it would without the thread, and the ask
   * is withdrawn (the thread does not read it again).
   */
  wait(db: Db, query: RankQuery): boolean {
    const key = cacheKey(query);
    const mine = this.asked.get(key);
    if (mine) Atomics.store(this.flags, WANTED, mine.id);
    const done = this.waitUntil(db, () => {
      if (!this.asked.has(key)) return 'done';
      const reading = Atomics.load(this.flags, READING);
      return reading !== 0 && reading !== mine!.id ? 'give up' : 'wait';
    });
    if (done || !mine) return done;
    // The answer may have come between the last collect and the look at READING (the thread then began
    // its next read): taken now rather than withdrawn and read again on this thread.
    this.collect(db);
    if (!this.asked.has(key)) return true;
    if (this.asked.get(key) === mine) this.withdraw(db, key, mine);
    return false;
  }

  /** Forgets an ask the page will not wait for, and tells the thread not to read it. */
  private withdraw(db: Db, key: string, ask: Asked): void {
    this.asked.delete(key);
    askedRanks.get(db)?.delete(ask.request);
    const message: RankWithdraw = { withdraw: ask.id };
    this.port.postMessage(message);
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
export function askRanks(db: Db, query: RankQuery, liveRows: number, soon = false): boolean {
  // Only the core's own connection, outside a transaction: an export's or a job-time snapshot's read
  // connection lives for one job, and a thread started for it would outlive it (and hold its file open).
  if (liveRows < backgroundRanks.minRows || db.inTransaction || db.readonly) return false;
  return readerFor(db)?.ask(db, query, soon) ?? false;
}

/** Per connection and grid (its FROM), the data_version it last asked ahead at (another connection's commit drops every column's ranks). */
const askedAheadAt = new WeakMap<Db, Map<string, number>>();

/**
 * Asks for the ranks of `queries` (a grid's sortable columns: few values, numbers and dates, then names
 * and codes, the likeliest first) that are not kept, once per grid and state of the data as other connections leave
 * it: at 1M the first page sorted by a column otherwise paid one read of its ranks (150–330 ms of CPU,
 * more from a cold disk), waited for or read inline, and pages before it walked the sort index
 * (10–35 ms). Read ahead on the thread (about 3 s of CPU for the enterprise grid at 1M on the other
 * core, and 1–2 s more for names and codes), they are kept before most users first sort. Only another connection's commit asks again (the
 * CLI's or another process's import or sync on the same file; the app's own writes, hub sync included,
 * go through this connection and patch the kept ranks instead).
 */
export function askRanksAhead(db: Db, queries: readonly RankQuery[], liveRows: number): void {
  if (!backgroundRanks.ahead || liveRows < backgroundRanks.minRows || db.inTransaction || db.readonly) return;
  const version = db.pragma('data_version', { simple: true }) as number;
  const grid = queries[0]?.from ?? '';
  let versions = askedAheadAt.get(db);
  if (!versions) askedAheadAt.set(db, (versions = new Map()));
  if (versions.get(grid) === version) return;
  let asked = 0;
  for (const q of queries) {
    if (knownRanks(db, q)) continue;
    if (!askRanks(db, q, liveRows)) return; // no thread: the pages read them as they need them
    asked++;
  }
  backgroundRanks.askedAhead += asked;
  versions.set(grid, version);
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
  askedAheadAt.delete(db); // a new reader asks ahead again
}
