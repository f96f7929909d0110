import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors';
import { readerWorker, type ReaderMessage, type ReaderPort, type ReaderWorkerData } from './reader-worker';
import { batchLines, decodeLine } from './wire-rows';
import { decodeChecked } from './check-wire';
import { CheckThread } from './check-thread';
import type { CheckPlan } from './row-check';
import { LIMITS, type SourceRow, type TableSource, type TextEncoding } from './source';
import type { ZipEntry } from './zip';

/**
 * A file's rows read on a worker thread (reader-worker.ts) and handed over in batches of 1,000 (each one
 * transferred buffer of JSON lines, decoded a row at a time as the importer takes it), so
 * parsing (csv-parse; the .xlsx sheet's XML) runs on the second core while this thread validates and
 * writes the batch before. At most four batches wait, so memory stays flat however long the file.
 * Cancel ends the thread at once; the rows simply stop and the importer, seeing the signal, rolls back.
 */
const BATCH_ROWS = 1_000;
const CREDITS = 4;
/**
 * The reader thread's young generation, in MB (V8's default lets it grow to 48): everything the reader
 * allocates (XML text, a row's cells, its JSON line) dies within a batch, so a small one only collects
 * more often. At 20,000 rows of .xlsx: peak 242 → 215 MB, CPU time the same.
 */
const READER_YOUNG_MB = 8;

// The worker runs from this source text (no file of its own in the bundle). `__name` is the helper
// esbuild's keepNames (tsx) puts into function bodies: here it has nothing to name.
const WORKER_SOURCE = `const __name = (f) => f;\n(${readerWorker.toString()})();`;

/**
 * In the packaged app the modules sit inside `app.asar`, which only the Electron-patched loader of the
 * process can read; electron-builder.json unpacks csv-parse (`asarUnpack`), and the worker thread is
 * given the real file beside the archive. Outside a package the path is unchanged.
 */
export const outsideAsar = (path: string): string => path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');

const requireHere = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

/** The built-in number formats exceljs took for dates (its table, read by its own isDateFmt rule). */
function builtinDateFormats(): number[] {
  const table = requireHere('exceljs/lib/xlsx/defaultnumformats.js') as Record<string, { f?: string }>;
  const isDate = (fmt: string | undefined) => !!fmt && /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
  return Object.entries(table).filter(([, v]) => isDate(v.f)).map(([k]) => Number(k));
}

/** A batch's rows, each made into objects only when the importer asks for it. */
function* decodeRows(lines: Uint8Array, typed: boolean): Generator<SourceRow> {
  for (const [buffer, start, end] of batchLines(lines)) yield decodeLine(buffer.toString('utf8', start, end), typed);
}

/**
 * Files from this size on are read on a thread of their own, and their rows checked on another
 * (check-thread.ts); a smaller file is read and checked by the same code in this thread (starting the
 * threads would cost more than they save). Tests lower it to take every file through the threads;
 * `checkRows: false` keeps the checks in the importer's thread (benches compare both ways).
 */
export const readerThread = { minBytes: 1 << 20, checkRows: true };

/** The check thread's young generation, in MB: as the reader's, a batch's objects die with the batch. */
const CHECK_YOUNG_MB = 8;

/** The reader run in this thread, behind the same small interface as a Worker. */
function inThisThread(data: ReaderWorkerData): Pick<Worker, 'on' | 'postMessage' | 'terminate'> {
  const toReader: ((m: { type: string }) => void)[] = [];
  const listeners: Record<string, ((v: never) => void)[]> = {};
  let stopped = false;
  const port: ReaderPort = {
    postMessage: (m) => {
      if (!stopped) queueMicrotask(() => listeners.message?.forEach((l) => l(m as never)));
    },
    on: (_event, listener) => toReader.push(listener),
  };
  queueMicrotask(() => readerWorker({ port, data, require: requireHere }));
  return {
    on(event: string, listener: (v: never) => void) {
      (listeners[event] ??= []).push(listener);
      return this as never;
    },
    postMessage: (m: { type: string }) => toReader.forEach((l) => l(m)),
    terminate: async () => {
      stopped = true;
      toReader.forEach((l) => l({ type: 'stop' }));
      return 0;
    },
  } as Pick<Worker, 'on' | 'postMessage' | 'terminate'>;
}

export interface WorkerTableOptions {
  path: string;
  size: number;
  signal?: AbortSignal;
  csv?: { encoding: TextEncoding; maxRecordChars: number };
  xlsx?: { entries: ZipEntry[]; sheet?: string; rowEstimate: (sheetId: string) => number | null };
}

export function workerTable(options: WorkerTableOptions): TableSource {
  const { signal } = options;
  const state = { bytes: 0, sheets: options.csv ? ['CSV'] : ([] as string[]), sheet: options.csv ? 'CSV' : '', row: 0, rows: null as number | null };
  const data: ReaderWorkerData = {
    path: options.path,
    kind: options.csv ? 'csv' : 'xlsx',
    size: options.size,
    maxRows: LIMITS.rows,
    batchRows: BATCH_ROWS,
    credits: CREDITS,
    ...(options.csv ? { csv: { encoding: options.csv.encoding, csvParsePath: outsideAsar(requireHere.resolve('csv-parse')), maxRecordChars: options.csv.maxRecordChars } } : {}),
    ...(options.xlsx ? { xlsx: { entries: options.xlsx.entries.map((e) => ({ ...e })), sheet: options.xlsx.sheet, builtinDateFormats: builtinDateFormats() } } : {}),
  };
  const typed = !!options.xlsx;
  // The check thread, once the importer asks for it (checkOnThread), and what sends it the batches waiting.
  let checker: CheckThread | null = null;
  let forwardWaiting: (() => void) | null = null;

  async function* rows(): AsyncGenerator<SourceRow> {
    if (signal?.aborted) return;
    const worker = options.size >= readerThread.minBytes ? new Worker(WORKER_SOURCE, { eval: true, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_MB } }) : inThisThread(data);
    type Checking = { type: 'checking'; m: Extract<ReaderMessage, { type: 'rows' }>; lines: string | null; error: Error | null };
    const queue: (ReaderMessage | Checking | { type: 'exit'; code: number })[] = [];
    let notify: (() => void) | null = null;
    const wake = () => {
      const n = notify;
      notify = null;
      n?.();
    };
    // A batch goes on to the check thread as soon as it arrives; its rows come back with their results, in order.
    const forward = (m: Extract<ReaderMessage, { type: 'rows' }>): Checking => {
      const item: Checking = { type: 'checking', m, lines: null, error: null };
      // The thread gets a copy: should it fail (its heap's cap, an exit), the batch is checked here instead.
      checker!.check(m.lines.slice(), typed).then(
        (lines) => ((item.lines = lines), wake()),
        (err: Error) => ((item.error = err), wake()),
      );
      return item;
    };
    forwardWaiting = () => queue.forEach((m, i) => m.type === 'rows' && (queue[i] = forward(m)));
    const ready = () => {
      const head = queue[0];
      return !!head && (head.type !== 'checking' || head.lines !== null || !!head.error);
    };
    worker.on('message', (m: ReaderMessage) => {
      queue.push(m.type === 'rows' && checker?.active ? forward(m) : m);
      wake();
    });
    worker.on('error', (err) => {
      queue.push({ type: 'error', message: err.message });
      wake();
    });
    worker.on('exit', (code) => {
      queue.push({ type: 'exit', code });
      wake();
    });
    signal?.addEventListener('abort', wake, { once: true });
    try {
      for (;;) {
        while (!ready() && !signal?.aborted) await new Promise<void>((r) => (notify = r));
        if (signal?.aborted) return;
        const m = queue.shift()!;
        if (m.type === 'checking' && m.error) {
          // The check thread failed: this batch and the rest are checked in this thread, as for a small file.
          if (signal?.aborted) return;
          queue.unshift(m.m);
          continue;
        }
        if (m.type === 'checking') {
          worker.postMessage({ type: 'credit' });
          state.bytes = m.m.bytes;
          if (m.m.sheet) {
            state.sheet = m.m.sheet.name;
            state.rows = options.xlsx!.rowEstimate(m.m.sheet.id);
          }
          for (const r of decodeChecked(m.lines!, typed)) {
            state.row = r.row;
            yield r;
          }
        } else if (m.type === 'rows') {
          worker.postMessage({ type: 'credit' }); // the thread may read the next batch meanwhile
          state.bytes = m.bytes;
          if (m.sheet) {
            state.sheet = m.sheet.name;
            state.rows = options.xlsx!.rowEstimate(m.sheet.id);
          }
          for (const r of decodeRows(m.lines, typed)) {
            state.row = r.row;
            yield r;
          }
        } else if (m.type === 'end') {
          state.sheets = m.sheets;
          state.sheet = m.sheet;
          if (typed && !state.sheet) throw new AppError('import_sheet', { detail: options.xlsx!.sheet ?? '' });
          return;
        } else if (m.type === 'error') {
          if (m.code) throw new AppError(m.code as ErrorCode, m.params ?? {});
          throw new Error(m.message);
        } else throw new Error(`the file reader stopped (exit code ${m.code})`);
      }
    } finally {
      signal?.removeEventListener('abort', wake);
      void worker.terminate();
      checker?.stop();
    }
  }

  const { size } = options;
  return {
    rows: rows(),
    get sheets() { return state.sheets; },
    get sheet() { return state.sheet; },
    ...(options.csv ? { encoding: options.csv.encoding } : {}),
    checkOnThread() {
      // A file read on a thread of its own (readerThread.minBytes) is long enough for a check thread too.
      if (options.size < readerThread.minBytes || !readerThread.checkRows || signal?.aborted) return null;
      const thread = (checker = new CheckThread(() => forwardWaiting?.(), CHECK_YOUNG_MB));
      return { plan: (plan: CheckPlan) => thread.plan(plan), loading: thread.loading, stop: () => thread.stop() };
    },
    get fraction() {
      if (!typed) return size ? Math.min(1, state.bytes / size) : 1;
      return state.rows ? Math.min(1, state.row / state.rows) : size ? Math.min(1, state.bytes / size) : 1;
    },
  };
}
