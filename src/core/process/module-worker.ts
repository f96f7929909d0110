import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread that runs one of the core's own modules, imports and all (the import's reader thread
 * runs from a function's source text instead, which can import nothing). The module is an entry of
 * the main-process build (electron.vite.config.ts: `out/main/NAME.js`); the bundle's shared chunks sit
 * one folder below it, so the file is looked for beside this code and one folder up. Run from the
 * sources (tests, tsx scripts), the TypeScript file is loaded through tsx's require hook.
 *
 * `name` is the build entry's name, `sourceFile` the caller's `join(__dirname, 'its-worker.ts')`.
 */
export function moduleWorkerScript(name: string, sourceFile: string): { source: string; eval: boolean } {
  const built = [join(__dirname, `${name}.js`), join(__dirname, '..', `${name}.js`)].find((f) => existsSync(f));
  if (built) return { source: built, eval: false };
  return { source: `require('tsx/cjs/api').register(); require(${JSON.stringify(sourceFile)});`, eval: true };
}

/** Starts that worker (see moduleWorkerScript) with the given options. */
export function startModuleWorker(name: string, sourceFile: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const script = moduleWorkerScript(name, sourceFile);
  return new Worker(script.source, { ...options, eval: script.eval });
}
