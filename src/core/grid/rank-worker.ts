import Database from 'better-sqlite3';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { BUSY, READING, STOP, WANTED } from './rank-flags';
import { readRanks, type RankQuery, type ValueRanks } from './values';

/**
 * Reads sort columns' ranks (values.ts) on a thread of its own, with its own read-only connection, so
 * that the 250–1,700 ms of a first read at 1M (one pass along the column's index) is not spent on the
 * grid's request path (rank-reader.ts asks, and checks the answer against what happened meanwhile).
 * It writes nothing. One column at a time: the one a page waits for (WANTED) first, else in the order
 * asked; an ask the reader withdrew (it read that column itself) is dropped unread. The file is opened
 * for each read and closed after it (~1 ms against a read's 200 ms or more): an idle thread holds no
 * handle on a park the app has closed, moved or replaced.
 */
export interface RankAsk {
  id: number;
  query: RankQuery;
  keepValues: boolean;
  /** From 65,536 distinct values the column's whole order comes with its ranks (values.ts rankOrderLimits, as the asking thread has it). */
  orderMinRanks: number;
}

/** Withdraws an ask not read yet. */
export interface RankWithdraw {
  withdraw: number;
}

export interface RankAnswer {
  id: number;
  ranks: ValueRanks | null;
  values: unknown[] | null;
  error?: string;
}

const { file, nativeBinding, port, flags } = workerData as { file: string; nativeBinding?: string; port: MessagePort; flags: Int32Array };

const queue: RankAsk[] = [];
let scheduled = false;

function take(m: RankAsk | RankWithdraw): void {
  if ('withdraw' in m) {
    const at = queue.findIndex((a) => a.id === m.withdraw);
    if (at >= 0) queue.splice(at, 1);
  } else queue.push(m);
}

// Messages only queue asks; reads run one per turn of the loop, so that asks and withdrawals sent
// meanwhile (and the flag a waiting page sets) are seen before the next read is chosen.
port.on('message', (m: RankAsk | RankWithdraw) => {
  take(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(readNext);
  }
});

function readNext(): void {
  scheduled = false;
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message as RankAsk | RankWithdraw);
  const wanted = queue.findIndex((a) => a.id === Atomics.load(flags, WANTED));
  const [ask] = queue.splice(Math.max(0, wanted), 1);
  if (!ask) return;
  // A read runs only while the reader has not asked the thread to stop (rank-flags.ts).
  Atomics.store(flags, BUSY, 1);
  Atomics.store(flags, READING, ask.id);
  try {
    if (Atomics.load(flags, STOP) === 0) port.postMessage(...answerTo(ask));
  } finally {
    Atomics.store(flags, READING, 0);
    Atomics.store(flags, BUSY, 0);
    Atomics.notify(flags, BUSY);
  }
  if (queue.length && !scheduled) {
    scheduled = true;
    setImmediate(readNext);
  }
}

function answerTo(m: RankAsk): [RankAnswer, ArrayBuffer[]] {
  let answer: RankAnswer;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      // Each read in one snapshot (its own transaction): the ranks of one state of the data.
      db.exec('BEGIN');
      const read = readRanks(db, m.query, m.keepValues, m.orderMinRanks);
      answer = { id: m.id, ranks: read.ranks, values: read.values };
    } finally {
      db.close();
    }
  } catch (err) {
    answer = { id: m.id, ranks: null, values: null, error: err instanceof Error ? err.message : String(err) };
  }
  const buffers = answer.ranks ? [answer.ranks.ranks.buffer, answer.ranks.order?.buffer].filter((b) => b !== undefined) : [];
  return [answer, buffers as ArrayBuffer[]];
}
