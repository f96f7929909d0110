import { closeSync, openSync, readSync } from 'node:fs';
import { AppError } from '../errors';
import { LIMITS, type TableSource, type TextEncoding } from './source';
import { workerTable } from './worker-source';

/**
 * CSV as a stream of rows. Before any row is handed over, one pass over the file settles what the
 * rows can only tell at the end: the encoding (a byte-order mark; UTF-16 by its zero bytes; UTF-8
 * when the whole file decodes strictly, otherwise GB18030, a superset of GBK), the number of records
 * (a file over the row limit is refused at once, not after importing a million rows), a quote never
 * closed, and a record too long to be a row of a roster. Lines may end in \r\n, \n or \r, mixed.
 */

/** Characters one record may hold: far above any roster's row, far below what memory minds. */
export const MAX_RECORD_CHARS = 1_000_000;

const CHUNK = 1 << 20;

/** Reads a file in 1 MB chunks synchronously: for the first pass, which keeps nothing. */
function* fileChunks(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) yield buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function head(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The encoding its bytes announce: a byte-order mark, or UTF-16's zero bytes beside ASCII characters. */
function announcedEncoding(path: string): TextEncoding | null {
  const h = head(path, 64 * 1024);
  if ((h[0] === 0xff && h[1] === 0xfe && h[2] === 0 && h[3] === 0) || (h[0] === 0 && h[1] === 0 && h[2] === 0xfe && h[3] === 0xff)) {
    throw new AppError('import_encoding', { detail: 'UTF-32' });
  }
  if (h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf) return 'utf-8';
  if (h[0] === 0xff && h[1] === 0xfe) return 'utf-16le';
  if (h[0] === 0xfe && h[1] === 0xff) return 'utf-16be';
  // Without a mark: commas, digits and line ends are ASCII, so UTF-16 text has a zero byte beside
  // each of them — on the odd side for little endian. Text in UTF-8 or GBK has no zero bytes.
  let even = 0;
  let odd = 0;
  for (let i = 0; i < h.length; i++) {
    if (h[i] !== 0) continue;
    if (i % 2) odd++;
    else even++;
  }
  if (odd + even < h.length / 8) return null;
  if (odd > even * 4) return 'utf-16le';
  if (even > odd * 4) return 'utf-16be';
  throw new AppError('import_encoding', { detail: 'binary' });
}

interface Survey {
  records: number;
}

/**
 * Counts records the way the parser will split them (quotes may hold line breaks and commas; a quote
 * opens a quoted field only at the field's start) and refuses the file on the first thing that
 * cannot be a roster: too many rows, a record too long, a quote never closed. Throws `not_text`
 * when `fatal` and the bytes are not valid in the encoding.
 */
function survey(path: string, encoding: TextEncoding, fatal: boolean): Survey {
  const decoder = new TextDecoder(encoding, { fatal });
  let records = 0;
  let line = 1;
  let recordLine = 1;
  let recordChars = 0;
  let quoted = false;
  let quoteSeen = false; // inside a quoted field, a quote that may be the first of an escaped pair
  let fieldStart = true;
  let pending = false; // a record has begun and not yet ended
  let lastCr = false;
  const endRecord = () => {
    if (++records > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
    recordChars = 0;
    pending = false;
    fieldStart = true;
  };
  const scan = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 && lastCr) {
        lastCr = false;
        if (quoted && !quoteSeen) recordChars++;
        continue; // the \n of a \r\n: the line was counted at the \r
      }
      lastCr = ch === 13;
      if (ch === 10 || ch === 13) line++;
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === 34) {
            recordChars++;
            continue; // "" is a quote inside the field
          }
          quoted = false; // the quote closed the field; this character follows it
        } else {
          if (ch === 34) quoteSeen = true;
          if (++recordChars > MAX_RECORD_CHARS) throw new AppError('import_csv_record', { line: recordLine, max: MAX_RECORD_CHARS });
          continue;
        }
      }
      if (ch === 10 || ch === 13) {
        endRecord();
        recordLine = line;
        continue;
      }
      pending = true;
      if (ch === 44) fieldStart = true;
      else if (ch === 34 && fieldStart) {
        quoted = true;
        fieldStart = false;
      } else fieldStart = false;
      if (++recordChars > MAX_RECORD_CHARS) throw new AppError('import_csv_record', { line: recordLine, max: MAX_RECORD_CHARS });
    }
  };
  for (const chunk of fileChunks(path)) scan(decoder.decode(chunk, { stream: true }));
  scan(decoder.decode());
  if (quoted && !quoteSeen) throw new AppError('import_csv_quote', { line: recordLine });
  if (pending) endRecord();
  return { records };
}

/** The encoding and the record count, in one pass (two for GBK: the UTF-8 pass fails part-way). */
function surveyFile(path: string): { encoding: TextEncoding } & Survey {
  const announced = announcedEncoding(path);
  if (announced) return { encoding: announced, ...survey(path, announced, false) };
  try {
    return { encoding: 'utf-8', ...survey(path, 'utf-8', true) };
  } catch (err) {
    if (err instanceof AppError) throw err;
    return { encoding: 'gb18030', ...survey(path, 'gb18030', false) };
  }
}

/** The rows, parsed on the reader thread (worker-source.ts) once the survey has passed the file. */
export function openCsv(path: string, size: number, signal: AbortSignal | undefined): TableSource {
  const { encoding } = surveyFile(path);
  return workerTable({ path, size, signal, csv: { encoding, maxRecordChars: MAX_RECORD_CHARS } });
}
