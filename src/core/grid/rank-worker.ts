import Database from 'better-sqlite3';
import { workerData, type MessagePort } from 'node:worker_threads';
import { BUSY, STOP } from './rank-flags';
import { readRanks, type RankQuery } from './values';

/**
 * Reads sort columns' ranks (values.ts) on a thread of its own, with its own read-only connection, so
 * that the 250–1,700 ms of a first read at 1M (one pass along the column's index) is not spent on the
 * grid's request path (rank-reader.ts asks, and checks the answer against what happened meanwhile).
 * It writes nothing. One column at a time, in the order asked. The file is opened for each read and
 * closed after it (~1 ms against a read's 200 ms or more): an idle thread holds no handle on a park the
 * app has closed, moved or replaced.
 */
export interface RankAsk {
  id: number;
  query: RankQuery;
  keepValues: boolean;
}

export interface RankAnswer {
  id: number;
  ranks: { ranks: Uint8Array | Uint16Array | Uint32Array; top: number } | null;
  values: unknown[] | null;
  error?: string;
}

const { file, nativeBinding, port, flags } = workerData as { file: string; nativeBinding?: string; port: MessagePort; flags: Int32Array };

// A read runs only while the reader has not asked the thread to stop (rank-flags.ts).
port.on('message', (m: RankAsk) => {
  Atomics.store(flags, BUSY, 1);
  try {
    if (Atomics.load(flags, STOP) === 0) port.postMessage(...answerTo(m));
  } finally {
    Atomics.store(flags, BUSY, 0);
    Atomics.notify(flags, BUSY);
  }
});

function answerTo(m: RankAsk): [RankAnswer, ArrayBuffer[]] {
  let answer: RankAnswer;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      // Each read in one snapshot (its own transaction): the ranks of one state of the data.
      db.exec('BEGIN');
      const read = readRanks(db, m.query, m.keepValues);
      answer = { id: m.id, ranks: read.ranks, values: read.values };
    } finally {
      db.close();
    }
  } catch (err) {
    answer = { id: m.id, ranks: null, values: null, error: err instanceof Error ? err.message : String(err) };
  }
  return [answer, answer.ranks ? [answer.ranks.ranks.buffer as ArrayBuffer] : []];
}
