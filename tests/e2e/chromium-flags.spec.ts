import { expect, test } from '@playwright/test';
import { OMNIBOX_POPUPS } from '../../src/server/chromiumFlags';
import { browserCommandLine } from '../browser-process';

/**
 * The flags of src/server/chromiumFlags.ts (the report printer's and these tests'): Chromium keeps only the last --disable-features, so ours must hold
 * every feature Playwright turns off (a newer Playwright may add one), and the address bar's drop-downs
 * are not pre-loaded for each page. Linux /proc: the browser is a child of this worker.
 */
test('Chromium leaves off every feature Playwright turns off, and the address bar\'s drop-downs', async ({ browser, page }) => {
  await page.goto('about:blank');
  const lists = browserCommandLine()
    .filter((arg) => arg.startsWith('--disable-features='))
    .map((arg) => arg.slice('--disable-features='.length).split(','));
  const last = lists.at(-1) ?? [];
  // Exactly Playwright's list and the drop-downs: a feature Playwright adds, or stops turning off, shows here
  // (then bring PLAYWRIGHT_DISABLED_FEATURES in src/server/chromiumFlags.ts up to date).
  const playwrights = new Set(lists.slice(0, -1).flat());
  expect([...new Set(last)].sort(), 'the last --disable-features: Playwright\'s features and the drop-downs').toEqual([...new Set([...playwrights, ...OMNIBOX_POPUPS])].sort());

  // No page of the browser's own UI beside the test's page (it was chrome://omnibox-popup.top-chrome/ twice).
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{}] });
  expect(targetInfos.filter((t) => t.type === 'browser_ui').map((t) => t.url), 'pages of the browser\'s own UI (a newer Chromium may pre-load another: turn its feature off in chromiumFlags.ts)').toEqual([]);
});
