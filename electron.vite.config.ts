import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { startupPreload } from './scripts/vite-startup-preload';
import { shellChunk } from './scripts/vite-startup-chunk';

// One build makes the Electron main process, the preload, the renderer, and the Node CLI (which
// also serves the web shell): `out/main/{index,cli,core-process}.js`, `out/preload/index.js`, `out/renderer/`.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // core-process: the core in Electron's utilityProcess (src/core/process/worker.ts), so a slow
        // call or a long import never blocks the window's main process. upgrade-worker: an older
        // database's migrations on a worker thread while the page shows their progress (db/upgrade.ts).
        // merge-worker: a large merge's classify on a second thread (sync/merge-thread.ts).
        // import-check-worker: an import's rows normalised and schema-checked on a second thread (imports/check-thread.ts).
        // grid-rank-worker: a sort column's ranks read on a thread of their own (grid/rank-reader.ts).
        // One entry a line; a worker thread that runs one of these finds it with process/module-worker.ts.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          'core-process': resolve(__dirname, 'src/core/process/worker.ts'),
          'upgrade-worker': resolve(__dirname, 'src/core/db/upgrade-worker.ts'),
          'merge-worker': resolve(__dirname, 'src/core/sync/merge-worker.ts'),
          'import-check-worker': resolve(__dirname, 'src/core/imports/check-worker.ts'),
          'grid-rank-worker': resolve(__dirname, 'src/core/grid/rank-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot require() node_modules: bundle everything into one file.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // The app shell, the Overview and the default language's strings download beside the start-up entry
    // (scripts/vite-startup-preload.ts).
    plugins: [react(), startupPreload(['src/boot.tsx', 'src/pages/Overview.tsx', 'src/i18n/zh.json'])],
    build: {
      rollupOptions: {
        input: resolve(__dirname, 'src/renderer/index.html'),
        // The app shell and all it imports in one chunk (scripts/vite-startup-chunk.ts).
        output: { codeSplitting: { groups: [{ debugName: 'app shell', includeDependenciesRecursively: false, name: shellChunk(resolve(__dirname, 'src/renderer/src/boot.tsx'), resolve(__dirname, 'src/renderer/src/main.ts')) }] } },
      },
      // Minified: React 19 ships its production build unminified, and the renderer is what a cold start
      // parses (pages, the grid and the charts are separate chunks loaded on first use: App.tsx, Chart.tsx).
      minify: true,
      chunkSizeWarningLimit: 4000,
      // The chunk graph (out/renderer/.vite/manifest.json): the start-up size check follows it.
      manifest: true,
    },
  },
});
