/**
 * The renderer's start-up script(s): what `out/renderer/index.html` loads before anything else (its
 * module script and the chunks it preloads), with their gzipped sizes. Shared by the bench
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

/** The scripts index.html loads at start (module entry + modulepreload links), or null when there is no build. */
export function initialScripts(dir = RENDERER_DIR): ScriptSize[] | null {
  const indexHtml = join(dir, 'index.html');
  if (!existsSync(indexHtml)) return null;
  const html = readFileSync(indexHtml, 'utf8');
  const refs = [
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!),
  ];
  return [...new Set(refs)].map((ref) => {
    const content = readFileSync(join(dir, ref));
    return { file: ref.replace(/^\.\//, ''), bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length };
  });
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
