import { invokeTogether, setApiLocale, type Method } from './api/client';
import { savedLocale } from './i18n/locale';
import { loadStrings } from './i18n/strings';
import { prefetch } from './lib/prefetch';
import { applyTheme, savedTheme } from './lib/theme';
import { AS_OF_KEY, prefetchOverview } from './pages/overviewStart';
import './styles.css';

/**
 * The start-up entry, kept tiny: it asks the core for the labels, the field registry and (on the Overview)
 * the dashboard first, so those answers travel while the app's own script (React, the shell: boot.tsx)
 * downloads and compiles, instead of after it. They go together, in one request on the web shell.
 */
performance.mark('pp:entry');
const locale = savedLocale();
setApiLocale(locale);
applyTheme(savedTheme());
// The shell is still upgrading an older database file (db/upgrade.ts): only its progress until it is done.
// The web shell marks its page; the desktop shell opens the window at ?upgrading (main/upgrade.ts).
const desktopUpgrade = (window as { parkpilotUpgrade?: { status(locale: string): Promise<import('./upgrade/upgradeScreen').UpgradeStatus> } }).parkpilotUpgrade;
if (document.querySelector('meta[name="parkpilot-upgrading"]') || (desktopUpgrade && location.search === '?upgrading')) {
  void import('./upgrade/upgradeScreen').then(({ showUpgrade, webUpgradeStatus }) =>
    showUpgrade(document.getElementById('root')!, locale, () => (desktopUpgrade ? desktopUpgrade.status(locale) : webUpgradeStatus(locale)), () => location.replace(location.pathname + location.hash)),
  );
} else start();

function start(): void {
  const page = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'overview';
  const onOverview = page === 'overview';
  // With no remembered day the Overview opens on the core's today, which is also what the dashboard
  // answers for when asked without a day: asked for with the rest rather than after meta.info.
  const todaysDashboard = onOverview && !sessionStorage.getItem(AS_OF_KEY);
  const calls: Method[] = ['meta.enums', 'industries.list', 'pipeline.stages', 'meta.fields', ...(onOverview ? (['meta.info'] as const) : []), ...(todaysDashboard ? (['dashboard.overview'] as const) : [])];
  const answers = invokeTogether(calls.map((method) => ({ method, input: {} })));
  calls.forEach((method, i) => {
    if (method !== 'dashboard.overview') void prefetch<unknown>(method, () => answers[i]!);
  });
  if (onOverview) prefetchOverview(answers[calls.indexOf('meta.info')] as Promise<{ today: string }>, todaysDashboard ? answers[calls.indexOf('dashboard.overview')]! : null);
  // This language's strings (i18n/strings.ts) travel beside the shell's script.
  void loadStrings(locale).catch(() => undefined); // boot asks again, and reports a failure
  void import('./boot').then(({ boot }) => boot(locale));
}
