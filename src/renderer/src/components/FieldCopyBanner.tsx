import { useTranslation } from 'react-i18next';
import type { api } from '../api/client';
import { formatDateTime } from '../lib/format';
import '../fieldwork.css';

export type SyncSummary = Awaited<ReturnType<(typeof api)['sync.summary']>>;

/** Shown on every screen while a laptop copy is open: where it came from, when, who took it, what is not yet returned. */
export function FieldCopyBanner({ summary }: { summary: SyncSummary | null }) {
  const { t, i18n } = useTranslation();
  const copy = summary?.fieldCopy;
  if (!copy) return null;
  return (
    <div className="field-banner" role="note" aria-label={t('fieldwork.bannerLabel')}>
      <span>
        {t('fieldwork.banner', {
          device: copy.device,
          office: copy.officeFile,
          officeDevice: copy.officeDevice,
          time: formatDateTime(copy.takenAt, i18n.language),
          person: copy.person ?? t('common.none'),
        })}
      </span>
      <strong data-unreturned={summary.unreturned}>{summary.unreturned ? t('fieldwork.unreturned', { count: summary.unreturned, records: summary.unreturnedRecords }) : t('fieldwork.allReturned')}</strong>
      <a href="#/fieldwork">{t('fieldwork.returnLink')}</a>
    </div>
  );
}
