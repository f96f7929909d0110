import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reading the app's own database files with Node's fs, without loosening SQLite's hold on them.
 *
 * On Linux and macOS SQLite's locks are POSIX record locks, and closing ANY descriptor of a file drops
 * every such lock the process holds on it: SQLite's own closes take care of that, Node's do not. Once a
 * backup's copy (copyFileSync) had opened and closed the database, another program that opened and
 * closed it read-write (the sqlite3 tool, a database browser) believed itself its last user,
 * checkpointed and deleted the WAL, and every later commit of the app went to a deleted file: lost at
 * the next crash (found by the newcomer walk of session 21; tests/unit/live-file.test.ts).
 *
 * So the app reads its database files through one descriptor per file, opened the first time and kept
 * open for as long as the process runs (a closed one would drop the locks again). A path that a restore
 * has since given another file gets a new descriptor, and `releaseLiveFile` closes the old one when the
 * restore puts the new file in place (its connections closed first). Windows locks belong to a handle,
 * not to the process: there a read opens and closes its own handle, which also leaves the file free to
 * be replaced.
 */
const POSIX_LOCKS = process.platform !== 'win32';

interface Kept {
  fd: number;
  dev: number;
  ino: number;
}
const kept = new Map<string, Kept>();

/** The kept descriptor of the file now at `file` (opened now if need be). */
function keptFd(file: string): number {
  const path = resolve(file);
  const st = statSync(path);
  const held = kept.get(path);
  if (held && held.dev === st.dev && held.ino === st.ino) return held.fd;
  if (held) closeSync(held.fd); // another file has this path now; the old one's connections are gone
  const fd = openSync(path, 'r');
  kept.set(path, { fd, dev: st.dev, ino: st.ino });
  return fd;
}

/** Keeps a descriptor of database file `file` open from now on (openDatabase, as it opens the file). */
export function keepLiveFile(file: string): void {
  if (POSIX_LOCKS) keptFd(file);
}

/** Runs `read` with a descriptor of its own for `file`, closed after: for files no connection here has open. */
function withOwnFd<T>(file: string, read: (fd: number) => T): T {
  const fd = openSync(file, 'r');
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs `read` with a descriptor of database file `file` that is not closed after (POSIX: the kept one). */
export function withLiveFile<T>(file: string, read: (fd: number) => T): T {
  return POSIX_LOCKS ? read(keptFd(file)) : withOwnFd(file, read);
}

/**
 * The first bytes of a file that may be one of this process's databases (a source the user picked can
 * be the open database itself): read through the kept descriptor when it is one, else through one of
 * its own (a laptop's copy on a USB stick is not held open afterwards).
 */
export function readHead(file: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  const read = (fd: number) => head.subarray(0, readSync(fd, head, 0, length, 0));
  return POSIX_LOCKS && kept.has(resolve(file)) ? withLiveFile(file, read) : withOwnFd(file, read);
}

/**
 * Closes the kept descriptor of `file`: only when no connection of this process has the file open any
 * more (a restore, before it puts another file in its place), or when the file turned out to be no
 * database at all.
 */
export function releaseLiveFile(file: string): void {
  const path = resolve(file);
  const held = kept.get(path);
  if (!held) return;
  kept.delete(path);
  closeSync(held.fd);
}
