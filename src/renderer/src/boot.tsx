import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { App, Overview } from './App';
import { initI18n, reloadLabels, type UiLocale } from './i18n';
import { firstRenderCommitted } from './lib/firstPaint';
import { parseRoute } from './lib/route';
import { loadRegistries } from './pages/registries';

/** The app proper: loaded by the start-up entry (main.tsx) once it has asked the core for what the first screen needs. */
export async function boot(locale: UiLocale): Promise<void> {
  performance.mark('pp:boot');
  const i18n = await initI18n(locale);
  performance.mark('pp:i18n');
  const root = createRoot(document.getElementById('root')!);
  // The Overview's chunk (already asked for by the entry) is awaited with the labels, so the first render
  // shows it without a fallback (preloadable.tsx).
  // A chunk that fails to load here is asked for again when the page renders (and reported there).
  const firstPage = parseRoute(location.hash).page === 'overview' ? Overview.preload().catch(() => undefined) : null;
  try {
    await Promise.all([reloadLabels(), loadRegistries(), firstPage]);
  } catch (err) {
    root.render(<p className="fatal" role="alert">{i18n.t('errors.network', { message: (err as Error).message })}</p>);
    return;
  }
  performance.mark('pp:render');
  root.render(
    <StrictMode>
      <FirstRender />
      <App />
    </StrictMode>,
  );
}

/** Tells lib/firstPaint.ts that the first screen is committed (its effects run after the whole tree's commit). */
function FirstRender() {
  useEffect(firstRenderCommitted, []);
  return null;
}
