/**
 * How Playwright starts the system Chromium: the report printer (pdf.ts) and the e2e tests
 * (playwright.config.ts; tests/e2e/chromium-flags.spec.ts checks these flags).
 *
 * Chromium keeps only the last --disable-features it is given, and Playwright passes a list of its own
 * before ours: ours repeats Playwright's (playwright-core's chromiumSwitches.ts, as of 1.65) and adds
 * the address bar's two drop-downs. Each new page's window (each print, each e2e test) pre-loads them,
 * WebUI pages in a renderer of their own that took 1.3 s of CPU per page here (about a tenth of a screen
 * test), and a headless window has no address bar to drop them from.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
  'msForceBrowserSignIn', 'msEdgeUpdateLaunchServicesPreferredVersion',
];
export const OMNIBOX_POPUPS = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...OMNIBOX_POPUPS].join(',')}`,
];
