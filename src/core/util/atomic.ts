import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Files the user keeps (exports, reports, correction workbooks, backups, restored databases) are
 * written under a temporary name in the destination's own folder, flushed to disk, and only then
 * renamed over the destination. A rename within one folder is atomic, so a kill or a full disk at any
 * moment leaves either the older file or the complete new one, never a cut-off file at that name.
 */
export function partPath(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
}

/** A temporary name made by `partPath` (and the process that made it), for sweeping leftovers. */
export const PART_NAME = /^\..+\.(\d+)-[0-9a-f]{8}\.part$/;

export async function writeAtomically(dest: string, write: (tmp: string) => Promise<void> | void): Promise<void> {
  const tmp = partPath(dest);
  try {
    await write(tmp);
    commitFile(tmp, dest);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The synchronous form, for callers inside synchronous handlers (backups before a write). */
export function writeAtomicallySync(dest: string, write: (tmp: string) => void): void {
  const tmp = partPath(dest);
  try {
    write(tmp);
    commitFile(tmp, dest);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Copies a produced file (private, 0600, in the temp folder) to where the user asked. Bytes only: the
 * copy gets the ordinary mode of a new file of the user's, not the temp file's private one.
 */
export function copyAtomically(source: string, dest: string): void {
  writeAtomicallySync(dest, (tmp) => {
    const from = openSync(source, 'r');
    const to = openSync(tmp, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(from, buffer, 0, buffer.length, null)) > 0; ) writeSync(to, buffer, 0, n);
    } finally {
      closeSync(from);
      closeSync(to);
    }
  });
}

/** Flushes `tmp`, renames it to `dest` and flushes the folder, so the new name survives a power cut. */
export function commitFile(tmp: string, dest: string): void {
  syncPath(tmp);
  renameSync(tmp, dest);
  syncDir(dirname(dest));
}

export function syncPath(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Folders cannot be opened for fsync on Windows; there the rename is already durable enough. */
export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a folder; the data itself was flushed.
  }
}

/** True while process `pid` runs (a leftover of a live process must not be removed). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
