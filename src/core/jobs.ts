import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './util/atomic';
import { AppError, toErrorPayload, type ErrorPayload, type Locale } from './errors';

/**
 * Long work (imports, exports, reports) runs as jobs: started by one call, polled for progress,
 * cancellable, and yielding between chunks so the shell stays responsive. Jobs run one after the
 * other: they share the database connection, and an import holds a transaction open across its
 * chunks, so a second job waits its turn (as "running" at 0) instead of running inside it.
 */
export interface JobState<R = unknown> {
  id: string;
  kind: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  result?: R;
  error?: ErrorPayload;
}

export interface JobControl {
  progress: (done: number, total: number) => void;
  signal: AbortSignal;
}

export class Jobs {
  private jobs = new Map<string, { state: JobState; abort: AbortController }>();
  /** The end of the last job started: the next one begins after it. */
  private tail: Promise<unknown> = Promise.resolve();

  /** `onSettled` hears each job end (done, failed or cancelled): the core reports what it changed. */
  constructor(private readonly onSettled?: (job: JobState) => void) {}

  start<R>(kind: string, locale: Locale, work: (control: JobControl) => Promise<R>): JobState<R> {
    const id = randomUUID();
    const abort = new AbortController();
    const state: JobState<R> = { id, kind, state: 'running', done: 0, total: 1 };
    this.jobs.set(id, { state, abort });
    if (this.jobs.size > 50) this.jobs.delete(this.jobs.keys().next().value!);
    const control: JobControl = { progress: (done, total) => Object.assign(state, { done, total }), signal: abort.signal };
    const run = this.tail
      .then(() => new Promise((r) => setImmediate(r)))
      .then(() => {
        if (abort.signal.aborted) throw new AppError('cancelled'); // cancelled while waiting its turn
        return work(control);
      })
      .then((result) => Object.assign(state, { state: 'done', result, done: state.total }))
      .catch((err: unknown) => {
        const cancelled = abort.signal.aborted || (err instanceof AppError && err.code === 'cancelled');
        Object.assign(state, { state: cancelled ? 'cancelled' : 'failed', error: toErrorPayload(err, locale) });
      })
      .finally(() => this.onSettled?.({ ...state }));
    this.tail = run;
    return { ...state };
  }

  /** True while a job runs or waits its turn (a restore must not swap the file under it). */
  get busy(): boolean {
    for (const { state } of this.jobs.values()) if (state.state === 'running') return true;
    return false;
  }

  status(id: string): JobState {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not_found');
    return { ...job.state };
  }

  cancel(id: string): JobState {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not_found');
    job.abort.abort();
    return { ...job.state };
  }

  /** Resolves when a job ends (CLI and tests). */
  async wait(id: string): Promise<JobState> {
    for (;;) {
      const s = this.status(id);
      if (s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The largest spreadsheet a shell accepts (web-shell upload or desktop IPC); larger is refused before it is stored. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** This process's private temporary folders: `parkpilot-run-<pid>-XXXXXX` (mode 0700) in the OS temp folder. */
export const RUN_DIR_PREFIX = 'parkpilot-run-';
const RUN_DIR = /^parkpilot-run-(\d+)-/;

/**
 * Removes the temporary folders of ParkPilot processes that no longer run (killed, or crashed before
 * they could clean up: uploads, outputs, a PDF printer's browser profile). Called at start-up.
 */
export function sweepStaleRunDirs(root = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = RUN_DIR.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(root, name), { recursive: true, force: true, maxRetries: 2 });
    removed++;
  }
  return removed;
}

/** A new private temporary folder of this process (swept by the next start if this one is killed). */
export function privateRunDir(label = ''): string {
  return mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-${label}`));
}

/**
 * Files that cross the API by token, never by path: uploads the shell stored, and outputs (exports,
 * reports, rejected rows) the shell hands to the user. The renderer cannot name an arbitrary path.
 * They live in this process's private folder (0700, files 0600), removed when the core closes and,
 * after a kill, by the next start.
 */
export class Files {
  private files = new Map<string, { path: string; name: string }>();
  private dir: string | null = null;

  register(path: string, name = basename(path)): string {
    const token = randomUUID();
    // Outputs and uploads are private; a file the CLI names on its command line is the user's own.
    if (this.dir && path.startsWith(this.dir)) chmodSync(path, 0o600);
    this.files.set(token, { path, name });
    return token;
  }

  get(token: string): { path: string; name: string } {
    const f = this.files.get(token);
    if (!f) throw new AppError('not_found');
    return f;
  }

  /** A fresh path for an output file, in this process's own temporary folder. */
  outputPath(name: string): string {
    if (!this.dir) {
      sweepStaleRunDirs();
      this.dir = privateRunDir();
    }
    const sub = join(this.dir, randomUUID());
    mkdirSync(sub, { mode: 0o700 });
    return join(sub, name.replace(/[\\/:*?"<>|]/g, '_'));
  }

  /** Forgets a file and, when it is one of this folder's, deletes it (the CLI after copying it out). */
  release(token: string): void {
    const f = this.files.get(token);
    this.files.delete(token);
    if (f && this.dir && f.path.startsWith(this.dir)) rmSync(dirname(f.path), { recursive: true, force: true });
  }

  /** Deletes the private folder and everything in it (the core is closing). */
  dispose(): void {
    this.files.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true, maxRetries: 2 });
    this.dir = null;
  }
}
