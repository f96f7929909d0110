/**
 * The body of the reader thread: parses a CSV or an .xlsx sheet into rows of cells and posts them to
 * the importer in batches, while the importer's thread validates and writes the batches before. It
 * runs from its own source text (`readerWorker.toString()`, see worker-source.ts), so it is one
 * self-contained function: no imports, no helpers outside it, only `require` of Node's modules and
 * of the paths it is given.
 *
 * The .xlsx reader does what exceljs's streaming reader (with the fixes of exceljs-utf8.ts) did, cell
 * for cell — the import-equivalence test holds it to that; one exception, a cell naming a shared string the
 * file does not hold, is a problem cell here where exceljs gave a blank — but streams the sheet through zlib and a
 * small XML tokenizer instead of an object per cell and event: the sheet is read by its offset in the
 * zip (no temporary copy when the sheet comes before its shared strings), and memory holds only the
 * shared strings and the batches in flight.
 */
export interface ReaderWorkerData {
  path: string;
  kind: 'csv' | 'xlsx';
  size: number;
  maxRows: number;
  batchRows: number;
  /** In-flight batches the importer has not taken yet, at most. */
  credits: number;
  csv?: { encoding: string; csvParsePath: string; maxRecordChars: number };
  xlsx?: { entries: { name: string; method: number; compressed: number; uncompressed: number; offset: number }[]; sheet?: string; builtinDateFormats: number[] };
}

/** A cell as it crosses the thread: a CellProblem travels as `{ problem, text }`. */
export type WireCell = string | number | boolean | Date | null | { problem: 'formula' | 'error' | 'date' | 'shared'; text: string };

/**
 * A batch of rows crosses the thread as one transferred buffer of JSON lines, `[row, cells]` each (see
 * `encodeRow`), not as cloned arrays: the batches waiting for the importer then sit outside the V8
 * heap, and each row becomes objects only just before the importer settles it. Rows cloned on arrival
 * lived through the settling of the batches before them, so V8 promoted them to its old generation,
 * which it collects lazily: a 100,000-row import grew the heap by ~200 MB of garbage.
 */
export type ReaderMessage =
  | { type: 'rows'; lines: Uint8Array; bytes: number; sheet?: { name: string; id: string } }
  | { type: 'end'; sheets: string[]; sheet: string }
  | { type: 'error'; code?: string; params?: Record<string, string | number>; message: string };

/** What the reader talks through: the thread's parent port, or (for a small file) a pair of callbacks in this thread. */
export interface ReaderPort {
  postMessage(message: ReaderMessage, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: { type: string }) => void): void;
}

/**
 * Without arguments (on its thread) it takes its port and data from worker_threads; a small file is
 * read by the same function in this thread, given a port, the data and a `require`.
 */
export function readerWorker(local?: { port: ReaderPort; data: ReaderWorkerData; require: (id: string) => unknown }): void {
  const load = (local?.require ?? require) as (id: string) => unknown;
  const threads = local ? null : (load('node:worker_threads') as typeof import('node:worker_threads'));
  const fs = load('node:fs') as typeof import('node:fs');
  const zlib = load('node:zlib') as typeof import('node:zlib');
  const { StringDecoder } = load('node:string_decoder') as typeof import('node:string_decoder');
  const data = (local ? local.data : threads!.workerData) as ReaderWorkerData;
  const port = (local ? local.port : threads!.parentPort!) as ReaderPort;

  /** An error that is the file's fault, named by an AppError code the importer shows. */
  type FileProblem = Error & { fileProblem: true; code: string; params: Record<string, string | number> };
  const FileProblem = (code: string, params: Record<string, string | number>): FileProblem => Object.assign(new Error(code), { fileProblem: true as const, code, params });
  const isFileProblem = (err: unknown): err is FileProblem => !!err && (err as FileProblem).fileProblem === true;

  // Flow control: at most `credits` batches wait on the importer; each batch it takes returns one.
  let credits = data.credits;
  let wake: (() => void) | null = null;
  let stopped = false; // the importer no longer reads (in this thread: a thread is simply ended)
  port.on('message', (m: { type: string }) => {
    if (m.type === 'credit') credits++;
    else if (m.type === 'stop') stopped = true;
    const w = wake;
    wake = null;
    w?.();
  });
  /**
   * A row as one line of JSON. A CSV record is all strings. An .xlsx row is a sparse array (its empty
   * cells are holes, never null): a hole is written as null and read back as a hole; a Date as
   * `{"$d": ms}` (an invalid one as `{"$d": "NaN"}`), -0 as `{"$z": 1}` and a CellProblem as its
   * `{problem, text}`, so every cell reads back exactly as it was (see `decodeRows` in worker-source.ts).
   */
  const encodeRow = (row: number, cells: WireCell[]): string => {
    if (data.kind === 'csv') return JSON.stringify([row, cells]);
    const out: unknown[] = new Array(cells.length).fill(null);
    cells.forEach((c, i) => {
      if (c instanceof Date) {
        const t = c.getTime();
        out[i] = { $d: Number.isNaN(t) ? 'NaN' : t };
      } else out[i] = typeof c === 'number' && Object.is(c, -0) ? { $z: 1 } : c;
    });
    return JSON.stringify([row, out]);
  };
  const encoder = new TextEncoder();
  let batch: string[] = [];
  let bytes = 0;
  let pendingSheet: { name: string; id: string } | undefined;
  const flush = async () => {
    if (!batch.length && !pendingSheet) return;
    while (credits <= 0 && !stopped) await new Promise<void>((r) => (wake = r));
    if (stopped) throw FileProblem('stopped', {});
    credits--;
    const lines = encoder.encode(batch.join('\n'));
    port.postMessage({ type: 'rows', lines, bytes, ...(pendingSheet ? { sheet: pendingSheet } : {}) }, [lines.buffer as ArrayBuffer]);
    pendingSheet = undefined;
    batch = [];
  };
  const push = async (row: number, cells: WireCell[]) => {
    if (batch.push(encodeRow(row, cells)) >= data.batchRows) await flush();
  };

  async function readCsv(): Promise<{ sheets: string[]; sheet: string }> {
    const csv = data.csv!;
    const { parse } = load(csv.csvParsePath) as typeof import('csv-parse');
    const input = fs.createReadStream(data.path, { highWaterMark: 256 * 1024 });
    const decoder = new TextDecoder(csv.encoding); // drops a byte-order mark
    const parser = parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'], max_record_size: csv.maxRecordChars });
    input.on('error', (err) => parser.destroy(err));
    input.on('data', (chunk) => {
      bytes += chunk.length;
      if (!parser.write(decoder.decode(chunk as Buffer, { stream: true }))) {
        input.pause();
        parser.once('drain', () => input.resume());
      }
    });
    input.on('end', () => parser.end(decoder.decode()));
    let row = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (++row > data.maxRows) throw FileProblem('import_too_large', { detail: `> ${data.maxRows} rows` });
        await push(row, record);
      }
    } catch (err) {
      const e = err as { code?: unknown; lines?: unknown; message?: string };
      if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw FileProblem('import_csv', { line: Number(e.lines ?? row), detail: e.message ?? '' });
      throw err;
    } finally {
      input.destroy();
    }
    return { sheets: ['CSV'], sheet: 'CSV' };
  }

  // ---- .xlsx -------------------------------------------------------------------------------------

  const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  /** XML text with its references resolved; an unknown or invalid one is a malformed file. */
  const decodeXml = (text: string): string => {
    if (text.indexOf('&') < 0) return text;
    return text.replace(/&([^;&]*);|&/g, (whole, name: string | undefined) => {
      if (name === undefined) throw FileProblem('import_format', { detail: '.xlsx: bad entity' });
      if (name[0] === '#') {
        const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (!(code > 0 && code <= 0x10ffff) || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name) || (code < 0x20 && code !== 9 && code !== 10 && code !== 13)) throw FileProblem('import_format', { detail: `.xlsx: bad character reference ${whole}` });
        return String.fromCodePoint(code);
      }
      const v = ENTITY[name];
      if (v === undefined) throw FileProblem('import_format', { detail: `.xlsx: undefined entity ${whole}` });
      return v;
    });
  };
  /** Text as an XML parser hands it over: line ends normalised to \n, references resolved. */
  const xmlText = (raw: string) => decodeXml(raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n'));
  const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
  const attributes = (tag: string, from: number): Record<string, string> => {
    const out: Record<string, string> = {};
    ATTR.lastIndex = from;
    for (let m; (m = ATTR.exec(tag)); ) out[m[1]!] = decodeXml((m[2] ?? m[3]!).replace(/[\t\n\r]/g, ' '));
    return out;
  };

  interface XmlHandler {
    open(name: string, tag: string, nameEnd: number): void;
    close(name: string): void;
    text(text: string): void;
  }

  /**
   * A streaming XML tokenizer: opening and closing tags (a self-closing tag is both) and text, in
   * order; comments, processing instructions, a doctype and CDATA are skipped. Checks what a cut or
   * damaged file shows: tags that do not nest, a document that ends inside a tag or an element.
   */
  function xmlStream(handler: XmlHandler) {
    const stack: string[] = [];
    let carry = '';
    let rootSeen = false;
    const fail = (what: string) => {
      throw FileProblem('import_format', { detail: `.xlsx: ${what}` });
    };
    return {
      write(chunk: string) {
        const s = carry + chunk;
        let i = 0;
        const n = s.length;
        while (i < n) {
          const lt = s.indexOf('<', i);
          if (lt < 0) break; // text running on: it waits for the rest
          if (lt > i) {
            if (stack.length) handler.text(xmlText(s.slice(i, lt)));
            else if (s.slice(i, lt).trim()) fail('text outside the root element');
          }
          i = lt;
          const next = s.charCodeAt(lt + 1);
          if (next === 33 /* ! */) {
            if (s.startsWith('<!--', lt)) {
              const end = s.indexOf('-->', lt + 4);
              if (end < 0) break;
              i = end + 3;
            } else if (s.startsWith('<![CDATA[', lt)) {
              const end = s.indexOf(']]>', lt + 9);
              if (end < 0) break;
              i = end + 3;
            } else {
              const end = s.indexOf('>', lt + 2);
              if (end < 0) break;
              i = end + 1;
            }
            continue;
          }
          if (next === 63 /* ? */) {
            const end = s.indexOf('?>', lt + 2);
            if (end < 0) break;
            i = end + 2;
            continue;
          }
          // A tag: its end is the first '>' outside quotes (attribute values may not hold '<').
          let end = -1;
          let quote = 0;
          for (let j = lt + 1; j < n; j++) {
            const ch = s.charCodeAt(j);
            if (quote) {
              if (ch === quote) quote = 0;
              else if (ch === 60) fail('"<" inside an attribute');
            } else if (ch === 34 || ch === 39) quote = ch;
            else if (ch === 62) {
              end = j;
              break;
            } else if (ch === 60) fail('"<" inside a tag');
          }
          if (end < 0) break;
          if (next === 47 /* / */) {
            const name = s.slice(lt + 2, end).trim();
            if (stack.pop() !== name) fail(`unexpected </${name}>`);
            handler.close(name);
          } else {
            let e = lt + 1;
            while (e < end) {
              const ch = s.charCodeAt(e);
              if (ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 47) break;
              e++;
            }
            const name = s.slice(lt + 1, e);
            if (!name) fail('empty tag name');
            if (!stack.length && rootSeen) fail('a second root element');
            rootSeen = true;
            const tag = s.slice(lt, end + 1);
            handler.open(name, tag, e - lt);
            if (s.charCodeAt(end - 1) === 47) handler.close(name);
            else stack.push(name);
          }
          i = end + 1;
        }
        carry = s.slice(i);
        if (carry.length > 64 * 1024 * 1024) fail('a tag or text beyond 64 MB');
      },
      end() {
        if (carry.trim() || stack.length || !rootSeen) fail(stack.length ? `unclosed <${stack.at(-1)}> (the document is cut off)` : 'not a complete XML document');
      },
    };
  }

  function dataStart(fd: number, entry: { name: string; offset: number }): number {
    const local = Buffer.alloc(30);
    if (fs.readSync(fd, local, 0, 30, entry.offset) < 30 || local.readUInt32LE(0) !== 0x04034b50) throw FileProblem('import_format', { detail: `damaged zip entry ${entry.name}` });
    return entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  }

  type Entry = NonNullable<ReaderWorkerData['xlsx']>['entries'][number];
  /** An entry's expanded bytes, streamed in chunks through `onChunk` (decoded as UTF-8 text). */
  async function inflateEntry(entry: Entry, onChunk: (text: string, rawBytes: number) => void | Promise<void>): Promise<void> {
    const fd = fs.openSync(data.path, 'r');
    let start: number;
    try {
      start = dataStart(fd, entry);
    } finally {
      fs.closeSync(fd);
    }
    const raw = fs.createReadStream(data.path, { start, end: start + entry.compressed - 1, highWaterMark: 256 * 1024 });
    const stream = entry.method === 8 ? raw.pipe(zlib.createInflateRaw({ chunkSize: 256 * 1024 })) : raw;
    raw.on('error', (err) => stream.destroy(err));
    const decoder = new StringDecoder('utf8');
    let first = true;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let text = decoder.write(chunk);
        if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
        await onChunk(text, chunk.length);
      }
      const rest = decoder.end();
      if (rest) await onChunk(rest, 0);
    } catch (err) {
      if (isFileProblem(err)) throw err;
      throw FileProblem('import_format', { detail: `.xlsx: ${(err as Error).message.split('\n')[0]}` });
    } finally {
      raw.destroy();
      stream.destroy();
    }
  }

  /** A small part of the package, parsed whole. */
  async function parsePart(entry: Entry | undefined, handler: XmlHandler): Promise<void> {
    if (!entry) return;
    const xml = xmlStream(handler);
    await inflateEntry(entry, (text) => xml.write(text));
    xml.end();
  }

  const isDateFormat = (fmt: string | undefined) => !!fmt && /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

  async function readXlsx(): Promise<{ sheets: string[]; sheet: string }> {
    const x = data.xlsx!;
    const byName = new Map(x.entries.map((e) => [e.name, e]));
    // The package's parts in the order exceljs met them: the workbook, its relationships, the shared
    // strings and the styles before the sheets that need them.
    const rels: { Id: string; Target: string }[] = [];
    await parsePart(byName.get('xl/_rels/workbook.xml.rels'), {
      open: (name, tag, at) => {
        if (name === 'Relationship') {
          const a = attributes(tag, at);
          rels.push({ Id: a.Id!, Target: a.Target! });
        }
      },
      close: () => {},
      text: () => {},
    });
    const books: { name: string; id: number; rId: string }[] = [];
    let date1904 = false;
    await parsePart(byName.get('xl/workbook.xml'), {
      open: (name, tag, at) => {
        if (name === 'sheet') {
          const a = attributes(tag, at);
          books.push({ name: a.name!, id: parseInt(a.sheetId!, 10), rId: a['r:id']! });
        } else if (name === 'workbookPr') date1904 = attributes(tag, at).date1904 === '1';
      },
      close: () => {},
      text: () => {},
    });
    // Styles: which cell formats show a date (custom number formats, else the built-in ones).
    const customFormats = new Map<number, string>();
    const xfFormats: number[] = [];
    let inCellXfs = false;
    await parsePart(byName.get('xl/styles.xml'), {
      open: (name, tag, at) => {
        if (name === 'numFmt') {
          const a = attributes(tag, at);
          customFormats.set(parseInt(a.numFmtId!, 10), a.formatCode!);
        } else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) xfFormats.push(parseInt(attributes(tag, at).numFmtId!, 10));
      },
      close: (name) => {
        if (name === 'cellXfs') inCellXfs = false;
      },
      text: () => {},
    });
    const builtinDates = new Set(x.builtinDateFormats);
    /** Per style id: undefined (no such style), or whether its number format is a date's. */
    const known = new Map<number, boolean | undefined>();
    const styleIsDate = (id: number): boolean | undefined => {
      if (known.has(id)) return known.get(id);
      let date: boolean | undefined;
      if (id in xfFormats) {
        const fmtId = xfFormats[id]!;
        const custom = fmtId ? customFormats.get(fmtId) : undefined;
        date = !fmtId ? false : custom ? isDateFormat(custom) : builtinDates.has(fmtId);
      }
      known.set(id, date);
      return date;
    };
    // Shared strings: plain text, or the runs of rich text joined.
    const hasShared = byName.has('xl/sharedStrings.xml');
    const shared: (string | null)[] = [];
    {
      let text: string | null = null;
      let runs: (string | null)[] = [];
      let inSi = false;
      await parsePart(byName.get('xl/sharedStrings.xml'), {
        open: (name) => {
          if (name === 'si') {
            inSi = true;
            runs = [];
            text = null;
          } else if (name === 't') text = null;
        },
        text: (t) => {
          if (inSi) text = text ? text + t : t;
        },
        close: (name) => {
          if (name === 'r') {
            runs.push(text);
            text = null;
          } else if (name === 'si') {
            shared.push(runs.length ? runs.map((r) => r ?? '').join('') : text);
            inSi = false;
            runs = [];
            text = null;
          }
        },
      });
    }
    // The sheets, in the order exceljs emitted them: those after the shared strings and relationships
    // at once, those before after the last entry.
    const SHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;
    const ordered = [...x.entries].sort((a, b) => a.offset - b.offset);
    const sharedAt = hasShared ? ordered.findIndex((e) => e.name === 'xl/sharedStrings.xml') : Infinity;
    const relsAt = ordered.findIndex((e) => e.name === 'xl/_rels/workbook.xml.rels');
    const ready = relsAt < 0 ? Infinity : Math.max(sharedAt, relsAt);
    const now: Entry[] = [];
    const later: Entry[] = [];
    ordered.forEach((e, i) => {
      if (SHEET.test(e.name)) (i > ready ? now : later).push(e);
    });
    const sheets: string[] = [];
    let taken = '';
    for (const entry of [...now, ...later]) {
      const sheetNo = SHEET.exec(entry.name)![1]!;
      const rel = rels.find((r) => r.Target === `worksheets/sheet${sheetNo}.xml`);
      const book = rel ? books.find((b) => b.rId === rel.Id) : undefined;
      const name = book?.name as string;
      sheets.push(name);
      if (taken || (x.sheet && x.sheet !== name)) continue;
      taken = name;
      pendingSheet = { name, id: String(book ? book.id : sheetNo) };
      await readSheet(entry, { shared: hasShared ? shared : null, styleIsDate, date1904 });
    }
    return { sheets, sheet: taken };
  }

  // The marks exceljs-utf8.ts gives ISO-date and error cells (CELL_MARK there), read back as in read.ts.
  const CELL_MARK_DATE = '\u0000d:';
  const CELL_MARK_ERROR = '\u0000e:';

  function isoDate(text: string): WireCell {
    const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
    if (!m) return { problem: 'date', text };
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : { problem: 'date', text };
  }
  /** exceljs decoded the text of string cells once more (its xmlDecode, on text already decoded). */
  const decodeAgain = (text: string) => text.replace(/&([a-z]*);/g, (c) => ({ '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"' })[c] ?? c);
  const number = (v: number): WireCell => (Number.isFinite(v) ? v : { problem: 'error', text: '#NUM!' });
  /** A text cell's value: a marked one is the date or error it stands for. */
  const textCell = (text: string): WireCell => {
    if (text.charCodeAt(0) !== 0) return text;
    if (text.startsWith(CELL_MARK_DATE)) return isoDate(text.slice(CELL_MARK_DATE.length));
    if (text.startsWith(CELL_MARK_ERROR)) return { problem: 'error', text: text.slice(CELL_MARK_ERROR.length) };
    return text;
  };

  /** Streams one sheet's rows: each `<row>` with its cells as the importer reads them. */
  async function readSheet(entry: Entry, book: { shared: (string | null)[] | null; styleIsDate: (id: number) => boolean | undefined; date1904: boolean }) {
    let inRows = false;
    let rowNo = NaN;
    let rowDate: boolean | undefined; // the row's own style (s="…"), which cells without one take
    let inRow = false;
    let cells: WireCell[] = [];
    let cell: { col: number; s: number; t: string | undefined; f: { text: string } | null; v: { text: string } | null } | null = null;
    let current: { text: string } | null = null;
    // As the adapter in exceljs-utf8.ts: the mark of the cell being read, and whether the next text gets it.
    let mark: string | null = null;
    let markNext = false;
    const rows: [number, WireCell[]][] = [];
    const colOf = (ref: string | undefined): number => {
      const m = ref ? /^\$?([A-Z]+)\$?\d+$/.exec(ref) ?? /^\$?([A-Z]+)/.exec(ref) : null;
      if (!m) throw FileProblem('import_format', { detail: `.xlsx: Invalid Address: ${ref}` });
      let col = 0;
      for (let i = 0; i < m[1]!.length; i++) col = col * 26 + (m[1]!.charCodeAt(i) - 64);
      return col;
    };
    const valueOf = (c: NonNullable<typeof cell>): WireCell | undefined => {
      if (c.f) {
        if (!c.v) return { problem: 'formula', text: `=${c.f.text}` };
        if (c.t === 'str') return textCell(decodeAgain(c.v.text));
        return number(parseFloat(c.v.text));
      }
      if (!c.v) return undefined;
      switch (c.t) {
        case 's': {
          // A shared string the file does not hold: exceljs gave a blank, which hid a damaged file's text.
          const v = book.shared?.[parseInt(c.v.text, 10)];
          return v === undefined ? { problem: 'shared', text: c.v.text } : v;
        }
        case 'inlineStr':
        case 'str':
          return textCell(decodeAgain(c.v.text));
        case 'e':
          return { problem: 'error', text: c.v.text };
        case 'b':
          return parseInt(c.v.text, 10) !== 0;
        default: {
          const own = c.s ? book.styleIsDate(c.s) : undefined;
          const date = own !== undefined ? own : rowDate === true;
          const v = parseFloat(c.v.text);
          if (date) return new Date(Math.round((v - 25569 + (book.date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
          return number(v);
        }
      }
    };
    const xml = xmlStream({
      open(name, tag, at) {
        switch (name) {
          case 'sheetData':
            inRows = true;
            break;
          case 'row':
            if (inRows) {
              const a = attributes(tag, at);
              rowNo = parseInt(a.r!, 10);
              rowDate = a.s ? (book.styleIsDate(parseInt(a.s, 10)) ?? undefined) : undefined;
              inRow = true;
              cells = [];
            }
            break;
          case 'c': {
            const a = attributes(tag, at);
            const t = a.t;
            mark = t === 'd' ? CELL_MARK_DATE : t === 'e' ? CELL_MARK_ERROR : null;
            if (inRow) cell = { col: colOf(a.r), s: parseInt(a.s!, 10), t: mark ? 'str' : t, f: null, v: null };
            break;
          }
          case 'f':
            if (cell) current = cell.f = { text: '' };
            break;
          case 'v':
            if (mark) markNext = true;
            if (cell) current = cell.v = { text: '' };
            break;
          case 'is':
          case 't':
            if (cell) current = cell.v = { text: '' };
            break;
          default:
            break;
        }
      },
      text(text) {
        if (markNext) {
          markNext = false;
          text = `${mark}${text}`;
        }
        if (current) current.text += text;
      },
      close(name) {
        if (name === 'sheetData') inRows = false;
        else if (name === 'row' && inRow) {
          if (rowNo > data.maxRows) throw FileProblem('import_too_large', { detail: `> ${data.maxRows} rows` });
          rows.push([rowNo, cells]);
          inRow = false;
        } else if (name === 'c') mark = null;
        if (name === 'c' && cell) {
          const value = valueOf(cell);
          // exceljs keeps the cells that hold a value: the others are holes, as in its row.values.
          if (value !== undefined && value !== null) {
            const at = cell.col - 1;
            cells[at] = value;
          } else if (value === null && cells[cell.col - 1] !== undefined) {
            delete cells[cell.col - 1];
          }
          cell = null;
        }
      },
    });
    await inflateEntry(entry, async (text, raw) => {
      bytes += raw;
      xml.write(text);
      for (const r of rows) await push(r[0], r[1]);
      rows.length = 0;
    });
    xml.end();
    for (const r of rows) await push(r[0], r[1]);
  }

  (async () => {
    try {
      const done = data.kind === 'csv' ? await readCsv() : await readXlsx();
      await flush();
      port.postMessage({ type: 'end', ...done });
    } catch (err) {
      if (isFileProblem(err)) port.postMessage({ type: 'error', code: err.code, params: err.params, message: err.message });
      else port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
}
