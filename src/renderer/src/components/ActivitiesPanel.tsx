import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { formatDate } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import { useDatabaseDay } from '../lib/databaseDay';
import { ErrorBanner } from './ErrorBanner';
import { ReadOnlyNote } from '../hub/ReadOnlyNote';
import { useWriteAccess } from '../hub/useWriteAccess';

type Activity = Record<string, unknown> & { id: string; kind: string; date: string; text: string | null; staff_name: string | null };
const KINDS = ['call', 'visit', 'meeting', 'note'] as const;

/** Calls, visits, meetings and notes on a lead or an enterprise, newest first, with a quick add form. */
export function ActivitiesPanel({ leadId, enterpriseId }: { leadId?: string; enterpriseId?: string }) {
  const { t, i18n } = useTranslation();
  // The date left alone is the database's today (a demo's last day), not the computer's.
  const [draft, setDraft] = useState({ kind: 'call' as (typeof KINDS)[number], date: '', staff_id: '', text: '' });
  const day = useDatabaseDay();
  const date = draft.date || day || '';
  const [error, setError] = useState<string | null>(null);
  const owner = leadId ? { lead_id: leadId } : { enterprise_id: enterpriseId! };
  const access = useWriteAccess('activities');

  const list = useCoreData(() => api['activities.of'](leadId ? { lead_id: leadId } : { enterprise_id: enterpriseId! }) as Promise<Activity[]>, [leadId, enterpriseId], ['activities', 'staff']);
  const items = list.data ?? [];
  const staff = useCoreData(() => api['staff.list']({}), [], ['staff']).data ?? [];

  const add = async () => {
    setError(null);
    try {
      await api['activities.create']({ ...owner, kind: draft.kind, date, staff_id: draft.staff_id || null, text: draft.text || null });
      setDraft({ ...draft, text: '' });
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="panel">
      <ReadOnlyNote access={access} />
      {access.canWrite && <div className="activity-form">
        <select aria-label={t('activities.kind')} value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as (typeof KINDS)[number] })}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`enum.activityKind.${k}`)}</option>)}
        </select>
        <input type="date" aria-label={t('activities.date')} value={date} max={day ?? undefined} onChange={(e) => setDraft({ ...draft, date: e.target.value })} />
        <select aria-label={t('activities.staff')} value={draft.staff_id} onChange={(e) => setDraft({ ...draft, staff_id: e.target.value })}>
          <option value="">{t('common.none')}</option>
          {staff.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
        <textarea aria-label={t('activities.text')} placeholder={t('activities.text')} rows={2} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
        <button type="button" className="primary" disabled={!date} onClick={() => void add()}>{t('activities.add')}</button>
      </div>}
      {error && <p className="field-error" role="alert">{error}</p>}
      <ErrorBanner error={list.error} />
      {items.length === 0 ? !list.loading && !list.error && <p className="muted">{t('activities.empty')}{access.canWrite && <>{t('common.sentenceEnd')}{t('activities.emptyHint')}</>}</p> : (
        <ol className="stage-history">
          {items.map((a) => (
            <li key={a.id}>
              <span className="tl-date">{formatDate(a.date, i18n.language)}</span>
              <span><strong>{t(`enum.activityKind.${a.kind}`)}</strong> {a.staff_name ? `· ${a.staff_name}` : ''} {a.text ? `· ${a.text}` : ''}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
