import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * What the main area shows while a page's code loads. It is usually there for a few milliseconds, so
 * it appears only after a short delay (no flash on every navigation); on a slow disk it says what is happening.
 */
export function PageLoading() {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setShown(true), 150);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div className="page-loading" role="status" aria-busy="true">
      {shown && <><span className="spinner" aria-hidden /> {t('common.loading')}</>}
    </div>
  );
}
