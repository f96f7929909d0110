import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatDate } from '../../lib/format';
import { afterFirstPaint } from '../../lib/firstPaint';
import { useCoreData } from '../../lib/useCoreData';

const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Under a list cut at its first rows: how many more there are, and a link to all of them in the grid. */
export function MoreLink({ shown, total, href }: { shown: number; total: number; href: string }) {
  const { t } = useTranslation();
  if (total <= shown) return null;
  return <p className="more-link small"><a href={href}>{t('overview.moreOf', { n: total - shown, total })}</a></p>;
}

/** The overdue follow-ups beyond the listed ones: open-stage leads whose follow-up date is before the day. */
export function OverdueMore({ shown, total, asOf }: { shown: number; total: number; asOf: string }) {
  const stages = useCoreData(() => afterFirstPaint(() => api['pipeline.stages']({})), [], ['pipeline_stages']).data ?? [];
  const open = stages.filter((s) => s.kind === 'open').map((s) => s.id).join(',');
  return <MoreLink shown={shown} total={total} href={`#/leads?stage=${open}&next_follow_up=0001-01-01..${dayBefore(asOf)}&sort=next_follow_up`} />;
}

/** Qualifications (高新技术企业, 专精特新, 科技型中小企业) expired or expiring within 90 days of the day. */
export function QualificationsDue({ asOf }: { asOf: string }) {
  const { t, i18n } = useTranslation();
  const { data, error } = useCoreData(() => afterFirstPaint(() => api['qualifications.due']({ asOf, days: 90 })), [asOf], ['enterprises']);
  return (
    <div className="card" data-list="qualifications-due">
      <h2>{t('overview.qualificationsDue')}</h2>
      {error && <p className="error-banner">{error}</p>}
      {data && data.total === 0 && <p className="muted">{t('overview.qualificationsNone')}</p>}
      {data && data.total > 0 && (
        <>
          <p className="small muted">{t('overview.qualificationsSummary', { total: data.total, expired: data.expired, until: formatDate(data.until, i18n.language) })}</p>
          <ul className="plain-list">
            {data.items.map((q) => (
              <li key={`${q.id}:${q.type}`}>
                <a href={`#/enterprises/${q.id}`}>{q.name}</a>{' '}
                <span className={`small ${q.expired ? 'overdue-text' : 'muted'}`}>
                  {t(`enum.qualification.${q.type}`)} · {q.expired ? t('overview.qualificationExpired', { date: formatDate(q.expires, i18n.language) }) : t('overview.qualificationExpires', { date: formatDate(q.expires, i18n.language) })}
                </span>
              </li>
            ))}
          </ul>
          <MoreLink shown={data.items.length} total={data.total} href={`#/enterprises?qualification_expires=0001-01-01..${data.until}&sort=name`} />
        </>
      )}
    </div>
  );
}
