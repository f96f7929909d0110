/**
 * The renderer's start-up script(s): everything the first screen needs before it can render: the entry
 * `out/renderer/index.html` loads, the app shell (`src/boot.tsx`) the entry always imports at once, the
 * Overview (the first screen, which index.html preloads beside them), the interface strings of the default
 * language (zh-CN; an English start loads en.json instead, the same size), and every chunk those import statically (from Vite's manifest), with their gzipped sizes. Shared by the bench
 * (tests/bench/renderer.ts) and the e2e budget check (tests/e2e/renderer-size.spec.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const RENDERER_DIR = resolve(__dirname, '../../out/renderer');
/** Issue 14: the initial script ≤ 500 KB gzipped. */
export const INITIAL_BUDGET_BYTES = 500 * 1024;

export interface ScriptSize {
  file: string;
  bytes: number;
  gzipped: number;
}

interface ManifestChunk {
  file: string;
  name?: string;
  imports?: string[];
  isEntry?: boolean;
}

/** The start-up scripts (see above), or null when there is no build. */
export function initialScripts(dir = RENDERER_DIR): ScriptSize[] | null {
  const manifestFile = join(dir, '.vite/manifest.json');
  if (!existsSync(manifestFile)) return null;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  // The shell is the chunk src/boot.tsx starts, or the "boot" chunk it is bundled into with all it imports
  // (scripts/vite-startup-chunk.ts), which the manifest lists by that name.
  const isShell = (key: string) => key === 'src/boot.tsx' || (key.startsWith('_') && manifest[key]!.name === 'boot');
  const roots = Object.keys(manifest).filter((key) => manifest[key]!.isEntry || isShell(key) || key === 'src/pages/Overview.tsx' || key === 'src/i18n/zh.json');
  if (!roots.some(isShell)) throw new Error('the manifest has no chunk for src/boot.tsx: the start-up set would be incomplete');
  roots.forEach(visit);
  return [...files].map((file) => {
    const content = readFileSync(join(dir, file));
    return { file, bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length };
  });
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
