import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { constants, createInflateRaw, inflateRawSync } from 'node:zlib';
import { AppError } from '../errors';
import { LIMITS } from './source';

/**
 * What an .xlsx (a zip) declares before anything is expanded: the central directory's entries, for the
 * zip-bomb check, and the first few kilobytes of a sheet, for an estimate of its row count (progress).
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  offset: number;
}

/**
 * Limits a spreadsheet's zip must keep: total expanded size, and the ratio of any entry large enough
 * to matter. Honest sheets compress 5–20 times, and a highly repetitive one (the same few values on
 * every row) several hundred times, so the ratio alone would refuse real files: it only applies
 * beyond 100 MB. What the directory declares is checked first; `inspectZip` then checks the truth.
 */
const ZIP_LIMITS = { unzippedBytes: 1024 * 1024 * 1024, ratio: 200, ratioFrom: 100 * 1024 * 1024 };

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  const n = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, n);
}

/** The entries, and where the central directory begins (the end of the last entry's data). */
export type ZipDirectory = ZipEntry[] & { dirOffset?: number };

export function zipEntries(path: string, size: number): ZipDirectory {
  const fd = openSync(path, 'r');
  try {
    const tailSize = Math.min(size, 65_557);
    const tail = readAt(fd, tailSize, size - tailSize);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new AppError('import_format', { detail: 'not a zip archive' });
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset + dirSize > size) throw new AppError('import_format', { detail: 'damaged zip directory' });
    const dir = readAt(fd, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    for (let i = 0, p = 0; i < count && p + 46 <= dir.length; i++) {
      const nameLength = dir.readUInt16LE(p + 28);
      entries.push({
        name: dir.toString('utf8', p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        compressed: dir.readUInt32LE(p + 20),
        uncompressed: dir.readUInt32LE(p + 24),
        offset: dir.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    }
    // A directory that does not hold the entries it counts has been damaged.
    if (entries.length !== count) throw new AppError('import_format', { detail: 'damaged zip directory' });
    return Object.assign(entries, { dirOffset });
  } catch (err) {
    // A directory cut short makes a read run past the buffer: the file's fault, not the program's.
    if (err instanceof RangeError) throw new AppError('import_format', { detail: 'damaged zip directory' });
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Refuses archives whose declared contents are absurdly large or compressed beyond any spreadsheet's ratio. */
export function checkZip(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    if (e.uncompressed > ZIP_LIMITS.ratioFrom && e.compressed > 0 && e.uncompressed / e.compressed > ZIP_LIMITS.ratio) throw new AppError('import_bomb');
  }
  if (total > ZIP_LIMITS.unzippedBytes) throw new AppError('import_bomb');
}

/** Where an entry's compressed bytes begin: after its local header, whose name and extra field vary. */
function dataStart(fd: number, entry: ZipEntry): number {
  const local = readAt(fd, 30, entry.offset);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new AppError('import_format', { detail: `damaged zip entry ${entry.name}` });
  return entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/**
 * exceljs reads a zip front to back by its local headers, not by the directory this file checks, so
 * the two must describe the same entries: each entry's data runs up to the next one (a data
 * descriptor of up to 24 bytes may sit between), with nothing hidden in the gaps.
 */
function checkContiguous(path: string, entries: ZipDirectory): void {
  const fd = openSync(path, 'r');
  try {
    const sorted = [...entries].sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const entry of sorted) {
      if (entry.offset < end || entry.offset - end > 24 || (entries.dirOffset !== undefined && entry.offset >= entries.dirOffset)) throw new AppError('import_format', { detail: 'damaged zip: entries outside its directory' });
      const local = readAt(fd, 30, entry.offset);
      const start = dataStart(fd, entry);
      const flags = local.readUInt16LE(6);
      if (!(flags & 8) && local.readUInt32LE(18) !== entry.compressed && local.readUInt32LE(18) !== 0xffffffff) {
        throw new AppError('import_format', { detail: `damaged zip: ${entry.name}'s headers disagree` });
      }
      end = start + entry.compressed;
    }
    if (entries.dirOffset !== undefined && entries.dirOffset - end > 24) throw new AppError('import_format', { detail: 'damaged zip: entries outside its directory' });
  } finally {
    closeSync(fd);
  }
}

const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/** A row's start tag, with or without a namespace prefix (`<row `, `<x:row>`). */
const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;

/**
 * Expands every entry once, keeping nothing, before exceljs does: an entry that expands beyond what
 * the directory declares (a bomb that lies) or beyond the total limit is refused as a bomb, and a
 * sheet with more rows than the limit is refused as too large — in seconds, instead of after exceljs
 * has unpacked the whole sheet and the importer has settled a million rows.
 */
export async function inspectZip(path: string, entries: ZipDirectory, signal?: AbortSignal): Promise<void> {
  checkContiguous(path, entries);
  let total = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/') || entry.compressed === 0) continue;
    if (entry.method !== 0 && entry.method !== 8) throw new AppError('import_format', { detail: `zip method ${entry.method}` });
    const fd = openSync(path, 'r');
    let start: number;
    try {
      start = dataStart(fd, entry);
    } finally {
      closeSync(fd);
    }
    const raw = createReadStream(path, { start, end: start + entry.compressed - 1 });
    const data = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
    raw.on('error', (err) => data.destroy(err));
    const countRows = WORKSHEET.test(entry.name);
    let bytes = 0;
    let rows = 0;
    let carry = '';
    try {
      for await (const chunk of data as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        total += chunk.length;
        if (bytes > entry.uncompressed || total > ZIP_LIMITS.unzippedBytes) throw new AppError('import_bomb');
        if (countRows) {
          const text = carry + chunk.toString('latin1'); // tags are ASCII: one char per byte is enough
          for (const m of text.matchAll(ROW_TAG)) if (m.index + m[0].length > carry.length) rows++;
          if (rows > LIMITS.rows) throw new AppError('import_too_large', { detail: `> ${LIMITS.rows} rows` });
          carry = text.slice(-64);
        }
        if (signal?.aborted) break;
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('import_format', { detail: `damaged zip entry ${entry.name}` });
    } finally {
      raw.destroy();
      data.destroy();
    }
    if (signal?.aborted) return;
  }
}

/**
 * About how many rows a sheet has, from its first 64 KB of XML: the `<dimension ref="A1:T100001">` that
 * Excel, WPS and LibreOffice write, or else its size divided by the length of the rows seen so far.
 * Null when neither can be told.
 */
export function sheetRowEstimate(path: string, entry: ZipEntry): number | null {
  const fd = openSync(path, 'r');
  let head: string;
  try {
    const data = readAt(fd, Math.min(entry.compressed, 64 * 1024), dataStart(fd, entry));
    // A partial deflate stream: SYNC_FLUSH gives what these bytes hold instead of failing on the cut.
    head = (entry.method === 0 ? data : inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH })).toString('latin1'); // one char per byte
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  const dimension = /<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"/.exec(head);
  if (dimension?.[1]) return Number(dimension[1]);
  const first = head.indexOf('<row ');
  const last = head.lastIndexOf('</row>');
  const rows = head.slice(first, last).split('<row ').length - 1;
  if (first < 0 || last < first || rows === 0) return null;
  return Math.round((entry.uncompressed - first) / ((last - first) / rows));
}
