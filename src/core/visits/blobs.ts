import { createHash } from 'node:crypto';
import { prepared, type Db } from '../db/open';
import { AppError } from '../errors';

/**
 * Attachment contents, stored inside the database by SHA-256. A blob never changes, so it needs no
 * change log: the attachment row (which is logged and merged like any row) names it by hash, a
 * package carries the blobs of the attachment rows it sends, and a file attached twice — or arriving
 * from two laptops — is stored once.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function checkAttachmentSize(name: string, size: number): void {
  if (size === 0) throw new AppError('attachment_empty', { name });
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new AppError('attachment_too_large', { name, size: (size / 1048576).toFixed(1), limit: MAX_ATTACHMENT_BYTES / 1048576 });
  }
}

/** Stores `bytes` under their hash (once); returns the hash. */
export function putBlob(db: Db, bytes: Buffer): string {
  const hash = sha256(bytes);
  prepared(db, 'INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING').run(hash, bytes.length, bytes);
  return hash;
}

export function getBlob(db: Db, hash: string): Buffer | null {
  const row = prepared(db, 'SELECT data FROM blobs WHERE hash = ?').get(hash) as { data: Buffer } | undefined;
  return row?.data ?? null;
}

export function hasBlob(db: Db, hash: string): boolean {
  return !!prepared(db, 'SELECT 1 FROM blobs WHERE hash = ?').get(hash);
}

/** Whether `db` has the blob table (a database from before visits has none). */
export function hasBlobTable(db: Db): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'blobs'").get();
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic',
  pdf: 'application/pdf', txt: 'text/plain', doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const mimeOf = (name: string): string => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** The hashes of attachment contents that log entries name (a per-field write or a bulk snapshot). */
export function hashesIn(changes: { tbl: string; field: string; new_value: string | null }[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    if (c.tbl !== 'attachments' || c.new_value === null) continue;
    if (c.field === 'hash') out.add(JSON.parse(c.new_value) as string);
    else if (c.field === '*') {
      const h = (JSON.parse(c.new_value) as { hash?: unknown }).hash;
      if (typeof h === 'string') out.add(h);
    }
  }
  return out;
}
