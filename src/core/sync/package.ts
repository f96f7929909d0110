import Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LogEntry } from '../db/materialize';
import { readHead } from '../db/live-file';
import { migrations } from '../db/migrations';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { changesSince, knownSites, peerSeen, vectorOf, type SiteInfo, type Vector } from './peers';
import type { Sender } from './merge';
import { getBlob, hasBlobTable, hashesIn, sha256 } from '../visits/blobs';

/**
 * A change package (.ppsync): what one copy sends another. Gzipped lines: first a manifest (format,
 * schema ids, park database id, sender and what it holds, intended receiver, clock range, counts and a
 * SHA-256 over manifest, changes and blobs), then one change per line, then the contents of the
 * attachments those changes name (one blob per line: hash and base64), so the receiver stores each once. With a password the whole file is
 * sealed with AES-256-GCM under a scrypt key, so a lost USB stick gives away nothing and any altered
 * byte is refused.
 */
/** 2: blob lines after the changes (format 1 had none; it still reads). */
export const PACKAGE_FORMAT = 2;
const SEALED = Buffer.from('PPSE1');

export interface Manifest {
  ppsync: number;
  schema: string[];
  dbId: string;
  sender: SiteInfo & { seen: Vector };
  receiver: string | null;
  range: { from: string; to: string } | null;
  counts: { changes: number; blobs?: number };
  sites: SiteInfo[];
  createdAt: string;
  checksum?: string;
}

export interface ChangePackage {
  manifest: Manifest;
  changes: LogEntry[];
  /** Attachment contents by SHA-256: those the changes name that the sender holds. */
  blobs: Map<string, Buffer>;
  /**
   * The changes' lines as the package file holds them, UTF-8 (a JSON array a change, `changes`' order,
   * joined by newlines), for the merge's classify thread to read itself (MergeOptions.packageLines);
   * absent for another copy's database file.
   */
  changesBytes?: Uint8Array;
}

/** The contents of the attachments `changes` name, as far as `db` holds them. */
export function blobsFor(db: Db, changes: LogEntry[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!hasBlobTable(db)) return out;
  for (const hash of hashesIn(changes)) {
    const bytes = getBlob(db, hash);
    if (bytes) out.set(hash, bytes);
  }
  return out;
}

const setting = (db: Db, key: string) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;

/** The changes `receiver` has not seen (everything, when we never heard from it). */
export function buildPackage(db: Db, receiver: string | null, now: Date = new Date()): ChangePackage {
  const changes = changesSince(db, receiver ? peerSeen(db, receiver) : {});
  const site = setting(db, 'site')!;
  const sites = knownSites(db);
  const me = sites.find((s) => s.site === site) ?? { site, device: setting(db, 'device') ?? site, person: null };
  const blobs = blobsFor(db, changes);
  return {
    manifest: {
      ppsync: PACKAGE_FORMAT,
      schema: (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id),
      dbId: setting(db, 'db_id') ?? '',
      sender: { ...me, seen: vectorOf(db) },
      receiver,
      range: changes.length ? { from: changes[0]!.stamp, to: changes[changes.length - 1]!.stamp } : null,
      counts: { changes: changes.length, blobs: blobs.size },
      sites,
      createdAt: now.toISOString(),
    },
    changes,
    blobs,
  };
}

const row = (c: LogEntry) => JSON.stringify([c.stamp, c.site, c.user, c.tbl, c.row_id, c.field, c.old_value, c.new_value]);

/**
 * SHA-256 over the manifest (without its checksum) and then each line, each after a newline. `body` is
 * those lines as they stand in the file ('\n' + lines joined by '\n', or '' when none): one update
 * instead of two a line, which was a third of writing or reading a package of 100,000 changes.
 */
function checksum(manifest: Manifest, body: string): string {
  return createHash('sha256').update(JSON.stringify({ ...manifest, checksum: undefined })).update(body).digest('hex');
}

const bodyOf = (lines: string[]) => (lines.length ? `\n${lines.join('\n')}` : '');

const blobLine = (hash: string, bytes: Buffer) => JSON.stringify([hash, bytes.toString('base64')]);

export function encodePackage(pkg: ChangePackage, password?: string): Buffer {
  const lines = [...pkg.changes.map(row), ...[...pkg.blobs].map(([hash, bytes]) => blobLine(hash, bytes))];
  const head = { ...pkg.manifest, ppsync: PACKAGE_FORMAT, counts: { ...pkg.manifest.counts, blobs: pkg.blobs.size } };
  const text = bodyOf(lines);
  const manifest = { ...head, checksum: checksum(head, text) };
  const packed = gzipSync(Buffer.from(JSON.stringify(manifest) + text, 'utf8'));
  if (!password) return packed;
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', scryptSync(password, salt, 32), iv);
  const body = Buffer.concat([cipher.update(packed), cipher.final()]);
  return Buffer.concat([SEALED, salt, iv, cipher.getAuthTag(), body]);
}

export function isSealed(bytes: Buffer): boolean {
  return bytes.subarray(0, SEALED.length).equals(SEALED);
}

export function decodePackage(bytes: Buffer, password?: string): ChangePackage {
  let packed = bytes;
  if (isSealed(bytes)) {
    if (!password) throw new AppError('sync_password_needed');
    try {
      const salt = bytes.subarray(5, 21);
      const iv = bytes.subarray(21, 33);
      const tag = bytes.subarray(33, 49);
      const decipher = createDecipheriv('aes-256-gcm', scryptSync(password, salt, 32), iv);
      decipher.setAuthTag(tag);
      packed = Buffer.concat([decipher.update(bytes.subarray(49)), decipher.final()]);
    } catch {
      throw new AppError('sync_password');
    }
  }
  let raw: Buffer;
  try {
    raw = gunzipSync(packed);
  } catch (err) {
    throw new AppError('sync_truncated', { detail: (err as Error).message });
  }
  const text = raw.toString('utf8');
  const [head = '', ...lines] = text.split('\n');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(head) as Manifest;
  } catch {
    throw new AppError('sync_truncated', { detail: 'manifest' });
  }
  if (typeof manifest.ppsync !== 'number' || !Array.isArray(manifest.schema)) throw new AppError('sync_truncated', { detail: 'manifest' });
  if (manifest.ppsync > PACKAGE_FORMAT) throw new AppError('sync_newer_version', { detail: `format ${manifest.ppsync}` });
  const blobCount = manifest.counts?.blobs ?? 0;
  const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  if (!count(manifest.counts?.changes) || !count(blobCount)) throw new AppError('sync_tampered');
  if (lines.length !== manifest.counts?.changes + blobCount) throw new AppError('sync_truncated', { detail: `${lines.length} / ${manifest.counts?.changes + blobCount} lines` });
  if (checksum(manifest, text.slice(head.length)) !== manifest.checksum) throw new AppError('sync_tampered');
  const blobs = new Map<string, Buffer>();
  for (const l of lines.splice(manifest.counts.changes)) {
    const b = JSON.parse(l) as unknown[];
    if (!Array.isArray(b) || b.length !== 2 || typeof b[0] !== 'string' || typeof b[1] !== 'string') throw new AppError('sync_tampered');
    const bytes = Buffer.from(b[1], 'base64');
    // A blob is named by its content: one that does not match its name was altered.
    if (sha256(bytes) !== b[0]) throw new AppError('sync_tampered');
    blobs.set(b[0], bytes);
  }
  // The changes' lines are the file's first after the manifest, as bytes: a thread is sent them in a
  // millisecond, where the same lines as a string (two bytes a character once one is Chinese, 23 MB at
  // 100,000 changes) took 0.1 s to send and 65 ms more to take in. Without attachments they are the rest
  // of the file; with them, only up to the attachments' lines, copied, so that those are not kept alive.
  const changesStart = raw.indexOf(10) + 1;
  let changesEnd = raw.length;
  if (blobCount) {
    changesEnd = changesStart - 1;
    for (let i = 0; i < manifest.counts.changes; i++) changesEnd = raw.indexOf(10, changesEnd + 1);
    if (manifest.counts.changes === 0) changesEnd = changesStart;
  }
  const changesBytes = blobCount ? Buffer.from(raw.subarray(changesStart, changesEnd)) : raw.subarray(changesStart);
  const changes = lines.map((l): LogEntry => {
    const a = JSON.parse(l) as unknown[];
    const ok = Array.isArray(a) && a.length === 8 && a.slice(0, 6).every((v) => typeof v === 'string') && a.slice(6).every((v) => v === null || typeof v === 'string');
    if (!ok) throw new AppError('sync_tampered');
    const [stamp, site, user, tbl, row_id, field, old_value, new_value] = a as string[];
    return { stamp: stamp!, site: site!, user: user!, tbl: tbl!, row_id: row_id!, field: field!, old_value: old_value ?? null, new_value: new_value ?? null };
  });
  return { manifest, changes, blobs, changesBytes };
}

/** Writes next to the destination and renames into place: a crash never leaves half a package. */
export function writeFileAtomic(path: string, bytes: Buffer): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.part`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A change package read from a .ppsync file, or straight from a laptop's database file. */
export function readSource(file: string, receiverDb: Db, password?: string): ChangePackage {
  if (!existsSync(file)) throw new AppError('not_found');
  // Its first bytes only (a laptop's database file is gigabytes), and not through a descriptor that closing
  // would drop this process's SQLite locks with, when the file is the open database itself (db/live-file.ts).
  const head = readHead(file, 16);
  if (head.toString('latin1').startsWith('SQLite format 3')) return readDatabase(file, receiverDb);
  return decodePackage(readFileSync(file), password);
}

/** Reads another copy's database file (read-only) as the package it would send us. */
function readDatabase(file: string, receiverDb: Db): ChangePackage {
  let other: Db;
  try {
    other = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new AppError('not_a_database', { detail: `${file}: ${(err as Error).message}` });
  }
  try {
    const hasSync = other.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sync_sites'").get();
    if (!hasSync) throw new AppError('not_a_database', { detail: `${file}: no change log to merge` });
    const mySite = setting(receiverDb, 'site')!;
    // It lacks nothing we send; we lack what it holds beyond what we hold.
    const pkg = buildPackage(other, null);
    const mine = vectorOf(receiverDb);
    pkg.changes = changesSince(other, mine);
    pkg.blobs = blobsFor(other, pkg.changes);
    pkg.manifest.receiver = mySite;
    pkg.manifest.counts = { changes: pkg.changes.length, blobs: pkg.blobs.size };
    return pkg;
  } finally {
    other.close();
  }
}

/** Refusals that need nothing but the manifest: another park, ourselves, a newer program. */
export function checkManifest(db: Db, manifest: Manifest): Sender {
  const known = migrations.map((m) => m.id);
  const unknown = manifest.schema.filter((id) => !known.includes(id));
  if (unknown.length) throw new AppError('sync_newer_version', { detail: unknown.join(', ') });
  const dbId = setting(db, 'db_id');
  if (manifest.dbId !== dbId) throw new AppError('sync_other_database', { detail: manifest.sender.device });
  if (manifest.sender.site === setting(db, 'site')) throw new AppError('sync_own_package');
  return { site: manifest.sender.site, device: manifest.sender.device, person: manifest.sender.person, seen: manifest.sender.seen, sites: manifest.sites };
}
