/**
 * The web shell on a fresh demo database and Debian's Chromium, for the renderer's cold-load benches
 * (renderer.ts: the figure judged; renderer-timeline.ts: where the time goes). Builds first, so the
 * figures are this source's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../src/server/chromiumFlags';

export const ROOT = resolve(__dirname, '../..');

export function buildRenderer(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the web shell did not start at ${url}`);
}

export interface DemoShell {
  base: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** A new demo database under .bench/<name>, the web shell serving it, and a Chromium to load it in. */
export async function startDemoShell(name: string): Promise<DemoShell> {
  const dir = join(ROOT, '.bench', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'demo.db');
  const cli = join(ROOT, 'bin/parkpilot.js');
  execFileSync(process.execPath, [cli, 'demo', '--db', db], { stdio: 'ignore' });
  const port = 4890 + Math.floor(Math.random() * 100);
  const server = spawn(process.execPath, [cli, 'serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    await waitForServer(base);
  } catch (err) {
    await browser.close();
    server.kill();
    throw err;
  }
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      server.kill();
    },
  };
}

/** Runs in the page before its scripts: notes the page-clock time at which the first tile is in the DOM and painted. */
export function markTilesShown(): void {
  const w = window as unknown as { tilesShownAt?: number; tilesInDomAt?: number; shellInDomAt?: number };
  const observer = new MutationObserver(() => {
    if (w.shellInDomAt === undefined && document.querySelector('.shell')) w.shellInDomAt = performance.now();
    if (w.tilesShownAt !== undefined || !document.querySelector('.cards .stat-value')) return;
    observer.disconnect();
    w.tilesInDomAt = performance.now();
    requestAnimationFrame(() => setTimeout(() => (w.tilesShownAt = performance.now())));
  });
  observer.observe(document, { childList: true, subtree: true });
}

/**
 * A cold page: a new browser context (no cache), its main thread's busy time measured in thread CPU
 * ticks (on a shared machine wall time also counts waiting for a core), and the tile marker installed.
 */
export async function coldPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.addInitScript(markTilesShown);
  return { context, page, cdp };
}

export function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
