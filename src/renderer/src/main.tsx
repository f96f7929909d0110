import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setApiLocale } from './api/client';
import { App } from './App';
import { initI18n, reloadLabels, savedLocale } from './i18n';
import { applyTheme, savedTheme } from './lib/theme';
import { loadRegistries } from './pages/registries';
import { parseRoute } from './lib/route';
import { prefetchOverview } from './pages/overviewStart';
import './styles.css';

async function boot(): Promise<void> {
  const locale = savedLocale();
  setApiLocale(locale);
  applyTheme(savedTheme());
  if (parseRoute(location.hash).page === 'overview') prefetchOverview();
  const i18n = await initI18n(locale);
  const root = createRoot(document.getElementById('root')!);
  try {
    await Promise.all([reloadLabels(), loadRegistries()]);
  } catch (err) {
    root.render(<p className="fatal" role="alert">{i18n.t('errors.network', { message: (err as Error).message })}</p>);
    return;
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
