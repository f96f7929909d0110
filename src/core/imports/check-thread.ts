import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../process/module-worker';
import type { CheckerIn, CheckerOut } from './check-wire';
import type { CheckPlan } from './row-check';

/** For tests: the thread ends itself once it has been given this many batches (null: never). */
export const checkThreadTesting = { dieAfterBatches: null as number | null };

/**
 * The import's second core for its rows (check-worker.ts): normalising and the create schema run there
 * on each batch the reader hands over, while this thread writes the batch before. Started with the
 * reader, so that loading its code overlaps the header's search; it is used once it has loaded and been
 * given the import's plan (`active`). A thread that cannot load (a packaged app that cannot run the
 * code on a worker thread) is simply never active: the importer checks every row itself, as for a small
 * file. Batches are answered in the order they were sent.
 */
export class CheckThread {
  private readonly worker: Worker;
  private loaded = false;
  private planned = false;
  private failed: Error | null = null;
  private seq = 0;
  /** Whether the thread loaded (false: it failed first, or was stopped). */
  readonly loading: Promise<boolean>;
  private settleLoading: (ok: boolean) => void = () => {};
  private readonly waiting = new Map<number, { resolve: (lines: string) => void; reject: (err: Error) => void }>();

  /** `onActive` hears when the thread becomes usable (loaded and planned), to send it what waits. */
  constructor(private readonly onActive: () => void, young: number) {
    this.worker = startModuleWorker('import-check-worker', join(__dirname, 'check-worker.ts'), { resourceLimits: { maxYoungGenerationSizeMb: young, maxOldGenerationSizeMb: 48 } });
    this.worker.unref();
    this.loading = new Promise((resolve) => (this.settleLoading = resolve));
    this.worker.on('message', (m: CheckerOut) => {
      if (m.type === 'ready') {
        this.loaded = true;
        this.settleLoading(true);
        if (this.active) this.onActive();
      } else if (m.type === 'checked') {
        const w = this.waiting.get(m.seq)!;
        this.waiting.delete(m.seq);
        w.resolve(m.lines);
      } else this.fail(new Error(`the import's check thread failed: ${m.message}`));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the import's check thread stopped (exit code ${code})`)));
  }

  get active(): boolean {
    return this.loaded && this.planned && !this.failed;
  }

  plan(plan: CheckPlan): void {
    this.worker.postMessage({ type: 'plan', plan } satisfies CheckerIn);
    this.planned = true;
    if (this.active) this.onActive();
  }

  /** The batch checked (its buffer moves to the thread). Only while active. */
  check(lines: Uint8Array, typed: boolean): Promise<string> {
    const seq = this.seq++;
    const answer = new Promise<string>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    this.worker.postMessage({ type: 'rows', seq, lines, typed } satisfies CheckerIn, [lines.buffer as ArrayBuffer]);
    if (checkThreadTesting.dieAfterBatches !== null && seq + 1 >= checkThreadTesting.dieAfterBatches) void this.worker.terminate();
    return answer;
  }

  stop(): void {
    this.failed ??= new Error('stopped');
    this.settleLoading(false);
    void this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    this.settleLoading(false);
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
