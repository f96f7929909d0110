import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initI18n, reloadLabels, type UiLocale } from './i18n';
import { loadRegistries } from './pages/registries';

/** The app proper: loaded by the start-up entry (main.tsx) once it has asked the core for what the first screen needs. */
export async function boot(locale: UiLocale): Promise<void> {
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
