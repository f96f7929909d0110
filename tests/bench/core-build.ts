/**
 * The file benches' children as the app runs its core: bundled, not compiled module by module under tsx.
 * The app's core process runs the main-process build (electron.vite.config.ts: out/main/core-process.js,
 * node_modules left outside, and each worker thread's entry beside it). Under tsx a child also held
 * tsx's loader, the compiled sources with their source maps, and tsx again in the import's check thread
 * (which compiled its modules once more), which the app does not have. Measured with import-memory.ts
 * (issue 14, peak memory ≤ 300 MB): before the import 119 MB under tsx, 82 MB bundled; the peak of
 * 100,000 rows of .xlsx 241 → 208 MB, 300,000 rows 252 → 222 MB; CPU 29.2 → 24.1 s at 100,000.
 *
 * `bundleChild(entry)` bundles a bench child with esbuild (the bundler tsx itself runs on) into
 * .bench/build/, with the core's worker-thread entries beside it under the names the build gives them,
 * where process/module-worker.ts looks for them; it returns the bundle's path, to run with plain node.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { basename, join, resolve } from 'node:path';

const OUT = resolve('.bench/build');
const ROOT = resolve(__dirname, '../..');

/** The build's worker-thread entries (electron.vite.config.ts), by the names module-worker.ts looks for. */
const WORKERS: Record<string, string> = {
  'import-check-worker': 'src/core/imports/check-worker.ts',
  'merge-worker': 'src/core/sync/merge-worker.ts',
  'upgrade-worker': 'src/core/db/upgrade-worker.ts',
};

const options: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
  // As the app's build gives a CommonJS chunk: import.meta.url is the file's own URL (exceljs-utf8.ts needs it).
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

export function bundleChild(entry: string): string {
  const outfile = join(OUT, basename(entry).replace(/\.ts$/, '.js'));
  buildSync({ ...options, entryPoints: [entry], outfile });
  for (const [name, source] of Object.entries(WORKERS)) buildSync({ ...options, entryPoints: [join(ROOT, source)], outfile: join(OUT, `${name}.js`) });
  return outfile;
}
