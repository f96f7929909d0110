import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors';
import { readerWorker, type ReaderMessage, type ReaderPort, type ReaderWorkerData, type WireCell } from './reader-worker';
import { CellProblem, LIMITS, type Cell, type SourceRow, type TableSource, type TextEncoding } from './source';
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

type EncodedCell = WireCell | { $d: number | 'NaN' } | { $z: 1 };

/** An .xlsx row's cells as the reader had them (see encodeRow in reader-worker.ts): nulls are the row's holes. */
const xlsxCells = (encoded: EncodedCell[]): Cell[] => {
  const cells: Cell[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i];
    if (c === null || c === undefined) continue; // a hole stays a hole
    if (typeof c !== 'object' || c instanceof Date) cells[i] = c;
    else if ('$d' in c) cells[i] = new Date(c.$d === 'NaN' ? NaN : c.$d);
    else if ('$z' in c) cells[i] = -0;
    else cells[i] = new CellProblem(c.problem, c.text);
  }
  return cells;
};

/** A batch's rows, each made into objects only when the importer asks for it. */
function* decodeRows(lines: Uint8Array, typed: boolean): Generator<SourceRow> {
  const buffer = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  for (let start = 0; start < buffer.length; ) {
    let end = buffer.indexOf(10, start); // JSON text holds no raw line break, and no UTF-8 sequence a 0x0A byte
    if (end < 0) end = buffer.length;
    const [row, cells] = JSON.parse(buffer.toString('utf8', start, end)) as [number, EncodedCell[]];
    start = end + 1;
    yield { row, cells: typed ? xlsxCells(cells) : (cells as Cell[]) };
  }
}

/**
 * Files from this size on are read on a thread of their own; a smaller file is read by the same code
 * in this thread (starting a thread would cost more than it saves). Tests lower it to read every file
 * on a thread.
 */
export const readerThread = { minBytes: 1 << 20 };

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

  async function* rows(): AsyncGenerator<SourceRow> {
    if (signal?.aborted) return;
    const worker = options.size >= readerThread.minBytes ? new Worker(WORKER_SOURCE, { eval: true, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_MB } }) : inThisThread(data);
    const queue: (ReaderMessage | { type: 'exit'; code: number })[] = [];
    let notify: (() => void) | null = null;
    const wake = () => {
      const n = notify;
      notify = null;
      n?.();
    };
    worker.on('message', (m: ReaderMessage) => {
      queue.push(m);
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
        while (!queue.length && !signal?.aborted) await new Promise<void>((r) => (notify = r));
        if (signal?.aborted) return;
        const m = queue.shift()!;
        if (m.type === 'rows') {
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
    }
  }

  const { size } = options;
  return {
    rows: rows(),
    get sheets() { return state.sheets; },
    get sheet() { return state.sheet; },
    ...(options.csv ? { encoding: options.csv.encoding } : {}),
    get fraction() {
      if (!typed) return size ? Math.min(1, state.bytes / size) : 1;
      return state.rows ? Math.min(1, state.row / state.rows) : size ? Math.min(1, state.bytes / size) : 1;
    },
  };
}
