import { api, setApiLocale } from './api/client';
import { savedLocale } from './i18n/locale';
import { prefetch } from './lib/prefetch';
import { applyTheme, savedTheme } from './lib/theme';
import { prefetchOverview } from './pages/overviewStart';
import './styles.css';

/**
 * The start-up entry, kept tiny: it asks the core for the labels, the field registry and (on the Overview)
 * the dashboard first, so those answers travel while the app's own script (React, the shell: boot.tsx)
 * downloads and compiles, instead of after it.
 */
performance.mark('pp:entry');
const locale = savedLocale();
setApiLocale(locale);
applyTheme(savedTheme());
for (const [key, load] of [
  ['meta.enums', () => api['meta.enums']({})],
  ['industries.list', () => api['industries.list']({})],
  ['pipeline.stages', () => api['pipeline.stages']({})],
  ['meta.fields', () => api['meta.fields']({})],
] as const) {
  void prefetch<unknown>(key, load);
}
const page = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'overview';
if (page === 'overview') prefetchOverview();
void import('./boot').then(({ boot }) => boot(locale));
