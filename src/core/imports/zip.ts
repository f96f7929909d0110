import { closeSync, openSync, readSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';
import { AppError } from '../errors';

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

/** Limits a spreadsheet's zip must keep: total expanded size, and the ratio of any large entry. */
const ZIP_LIMITS = { unzippedBytes: 1024 * 1024 * 1024, ratio: 200 };

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  const n = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, n);
}

export function zipEntries(path: string, size: number): ZipEntry[] {
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
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Refuses archives whose declared contents are absurdly large or compressed beyond any spreadsheet's ratio. */
export function checkZip(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    if (e.uncompressed > 10_000_000 && e.compressed > 0 && e.uncompressed / e.compressed > ZIP_LIMITS.ratio) throw new AppError('import_bomb');
  }
  if (total > ZIP_LIMITS.unzippedBytes) throw new AppError('import_bomb');
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
    const local = readAt(fd, 30, entry.offset);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return null;
    const dataStart = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const data = readAt(fd, Math.min(entry.compressed, 64 * 1024), dataStart);
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
