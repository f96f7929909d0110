import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * A quick check of the whole file after it opens, on a worker thread with its own read-only
 * connection: a file damaged on disk (flipped bytes in pages nobody reads at start-up) is noticed
 * within seconds, without holding up the window or the web shell while the pages are read.
 */
export interface Health {
  state: 'unchecked' | 'checking' | 'ok' | 'damaged';
  detail?: string;
  checkedAt?: string;
}

const byFile = new Map<string, Health>();

export function healthOf(file: string): Health {
  return byFile.get(file) ?? { state: 'unchecked' };
}

export function setHealth(file: string, health: Health): void {
  byFile.set(file, health);
}

// The worker is plain CommonJS evaluated from this string: it needs no file of its own in the bundle.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.module);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
  const rows = db.prepare('PRAGMA quick_check(20)').all().map((r) => r.quick_check).filter((v) => v !== 'ok');
  parentPort.postMessage({ problems: rows });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message), code: err && err.code });
} finally {
  if (db) db.close();
}`;

function sqliteModule(): string {
  const base = typeof __filename === 'string' ? __filename : `${process.cwd()}/index.js`;
  return createRequire(base).resolve('better-sqlite3');
}

/** Runs the quick check; resolves with (and records) the file's health. Never rejects. */
export function checkInBackground(file: string, nativeBinding?: string): Promise<Health> {
  setHealth(file, { state: 'checking' });
  return new Promise((resolve) => {
    const done = (h: Health) => {
      const health = { ...h, checkedAt: new Date().toISOString() };
      // A restore during the check replaced the file: its verdict no longer applies.
      if (healthOf(file).state === 'checking') setHealth(file, health);
      resolve(health);
    };
    let worker: Worker;
    try {
      worker = new Worker(WORKER, { eval: true, workerData: { module: sqliteModule(), file, nativeBinding } });
    } catch (err) {
      return done({ state: 'unchecked', detail: (err as Error).message });
    }
    worker.unref();
    worker.once('message', (m: { problems?: string[]; error?: string; code?: string }) => {
      if (m.problems) done(m.problems.length ? { state: 'damaged', detail: m.problems.slice(0, 3).join('; ') } : { state: 'ok' });
      else if (/^SQLITE_(CORRUPT|NOTADB)/.test(m.code ?? '')) done({ state: 'damaged', detail: m.error ?? '' });
      else done({ state: 'unchecked', detail: m.error ?? '' });
    });
    worker.once('error', (err) => done({ state: 'unchecked', detail: err.message }));
  });
}
