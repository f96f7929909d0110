import { useTranslation } from 'react-i18next';

/** A failed load, shown the same way on every screen (the text comes from `errorText`). */
export function ErrorBanner({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <p className="error-banner" role="alert">{t('common.error')}: {error}</p>;
}
