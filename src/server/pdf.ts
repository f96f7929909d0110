import { existsSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { privateRunDir, sweepStaleRunDirs } from '../core/jobs';
import { REPORT_FONTS } from '../core/reports/fonts';
import { CHROMIUM_ARGS } from './chromiumFlags';

/**
 * Prints report HTML to an A4 PDF with the system Chromium (Debian's /usr/bin/chromium, or
 * CHROMIUM_PATH), with a header and page numbers. The desktop app prints with Electron instead.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
let browser: Promise<{ browser: Browser; dir: string }> | null = null;
/** A page opened ahead of the next print by `preparePrinter`, taken by that print. */
let spare: Promise<Page | null> | null = null;
/** Prepared pages being closed after their job failed (a launch may still be under way). */
const releasing = new Set<Promise<unknown>>();

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/**
 * Starts the printer and opens its page while the caller builds what it will print (a report job's
 * queries and charts): Chromium's start and its first page are seconds of other processes' work on a
 * cold start, which otherwise came after the report was built (issue 14, report → PDF ≤ 3 s). Nothing
 * happens without Chromium; a failure here is left for the print to meet and report.
 * Returns the release the caller runs when its job ends: a page its print did not take (the build
 * failed first) is closed then, not kept open until some later print.
 */
export function preparePrinter(): () => void {
  const executablePath = chromiumPath();
  if (!executablePath || spare) return () => {};
  browser ??= launch(executablePath);
  const prepared = browser.then((b) => b.browser.newPage()).catch(() => null);
  spare = prepared;
  return () => {
    if (spare !== prepared) return; // a print took it, or the printer closed
    spare = null;
    const closing = prepared.then((page) => page?.close()).catch(() => {});
    releasing.add(closing);
    void closing.finally(() => releasing.delete(closing));
  };
}

/** Pages the printer has open once pages being opened or released have settled (0 without a browser): a job leaves none behind. */
export async function printerPagesOpen(): Promise<number> {
  await Promise.all([spare, ...releasing]);
  if (!browser) return 0;
  // A printer that failed to start has no pages open.
  const started = await browser.catch(() => null);
  return started ? started.browser.contexts().reduce((n, c) => n + c.pages().length, 0) : 0;
}

export async function printPdf(html: string, options: { headerTitle: string }): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('PDF needs Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH');
  browser ??= launch(executablePath);
  const ready = spare;
  spare = null;
  const page = (await ready) ?? (await (await browser).browser.newPage());
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const font = `font-family: ${REPORT_FONTS.replace(/'/g, '"')}; font-size: 8pt; color: #5f6b7a; width: 100%; margin: 0 16mm;`; // the templates quote their style attribute in '
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style='${font} display: flex; justify-content: space-between;'><span>${options.headerTitle.replace(/[<>&'"]/g, '')}</span><span>ParkPilot</span></div>`,
      footerTemplate: `<div style='${font} text-align: center;'><span class="pageNumber"></span> / <span class="totalPages"></span></div>`, // as the desktop prints it: the same in both languages
      margin: { top: '22mm', bottom: '20mm', left: '16mm', right: '16mm' },
    });
  } finally {
    await page.close();
  }
}

/**
 * Chromium's profile and Playwright's scratch folder are made in the OS temp folder at launch; a
 * process killed mid-report would leave them there for good. They go into this process's private
 * folder instead (the temp variables point there while the browser starts), which is removed when the
 * printer closes and swept by the next start after a kill.
 */
async function launch(executablePath: string): Promise<{ browser: Browser; dir: string }> {
  sweepStaleRunDirs();
  const dir = privateRunDir('chromium-');
  const keys = ['TMPDIR', 'TEMP', 'TMP'] as const;
  const saved = keys.map((k) => process.env[k]);
  // Chromium itself keeps the usual temp folder: it puts sockets there, and a deep path (macOS) would
  // exceed their length limit.
  const env = { ...process.env } as Record<string, string>;
  for (const k of keys) process.env[k] = dir;
  try {
    return { browser: await chromium.launch({ executablePath, env, args: CHROMIUM_ARGS }), dir };
  } finally {
    keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
  }
}

export async function closePrinter(): Promise<void> {
  const running = browser;
  browser = null;
  spare = null; // its page closes with the browser
  if (!running) return;
  const { browser: b, dir } = await running;
  await b.close();
  rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}
