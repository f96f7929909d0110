import { useTranslation } from 'react-i18next';

/**
 * An address that names no page (a link typed by hand, a bookmark from another version): said plainly,
 * with the way back, rather than the Overview shown as if it had been asked for.
 */
export function PageNotFound({ page }: { page: string }) {
  const { t } = useTranslation();
  let shown = page;
  try {
    shown = decodeURIComponent(page);
  } catch {
    // A malformed escape is shown as typed.
  }
  return (
    <div className="not-found">
      <h1>{t('app.notFound')}</h1>
      <p>{t('app.notFoundBody', { page: shown })}</p>
      <p><a href="#/overview">{t('app.backToOverview')}</a></p>
    </div>
  );
}
