import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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

/**
 * Files that cross the API by token, never by path: uploads the shell stored, and outputs (exports,
 * reports, rejected rows) the shell hands to the user. The renderer cannot name an arbitrary path.
 */
export class Files {
  private files = new Map<string, { path: string; name: string }>();
  private dir: string | null = null;

  register(path: string, name = basename(path)): string {
    const token = randomUUID();
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
    if (!this.dir) this.dir = mkdtempSync(join(tmpdir(), 'parkpilot-'));
    const sub = join(this.dir, randomUUID());
    mkdirSync(sub);
    return join(sub, name.replace(/[\\/:*?"<>|]/g, '_'));
  }
}
