import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Prints report HTML to an A4 PDF with the system Chromium (Debian's /usr/bin/chromium, or
 * CHROMIUM_PATH), with a header and page numbers. The desktop app prints with Electron instead.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
let browser: Promise<Browser> | null = null;

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

export async function printPdf(html: string, options: { headerTitle: string }): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('PDF needs Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH');
  browser ??= chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const page = await (await browser).newPage();
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const font = 'font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; color: #5f6b7a; width: 100%; margin: 0 16mm;';
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style='${font} display: flex; justify-content: space-between;'><span>${options.headerTitle.replace(/[<>&'"]/g, '')}</span><span>ParkPilot</span></div>`,
      footerTemplate: `<div style='${font} text-align: center;'>第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
      margin: { top: '22mm', bottom: '20mm', left: '16mm', right: '16mm' },
    });
  } finally {
    await page.close();
  }
}

export async function closePrinter(): Promise<void> {
  if (browser) await (await browser).close();
  browser = null;
}
