import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { formatDate } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import { useDatabaseDay } from '../lib/databaseDay';
import { ErrorBanner } from './ErrorBanner';
import { ReadOnlyNote } from '../hub/ReadOnlyNote';
import { useWriteAccess } from '../hub/useWriteAccess';
import '../fieldwork.css';

type Request = Record<string, unknown> & { id: string; text: string; status: 'open' | 'in_progress' | 'resolved'; created_at: string; day: string; from_visit: 0 | 1 };
const STATUSES = ['open', 'in_progress', 'resolved'] as const;

/** An enterprise's requests (诉求), open ones first; the office moves each from open to in progress to resolved. */
export function RequestsPanel({ enterpriseId }: { enterpriseId: string }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  // The day raised: left alone, the database's today (a demo's last day), as the core dates it too.
  const today = useDatabaseDay();
  const [date, setDate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const access = useWriteAccess('requests');
  const list = useCoreData(() => api['requests.of']({ enterprise_id: enterpriseId }) as Promise<Request[]>, [enterpriseId], ['requests']);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const items = list.data ?? [];
  return (
    <div className="visits">
      <ReadOnlyNote access={access} />
      {access.canWrite && <form className="request-row request-new" onSubmit={(e) => { e.preventDefault(); void act(async () => { await api['requests.create']({ enterprise_id: enterpriseId, text, ...(date ? { date } : {}) }); setText(''); setDate(''); }); }}>
        <input aria-label={t('requests.new')} placeholder={t('requests.new')} value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} />
        <input type="date" aria-label={t('requests.date')} value={date || today || ''} max={today ?? undefined} onChange={(e) => setDate(e.target.value)} />
        <button type="submit" className="primary" disabled={!text.trim()}>{t('requests.add')}</button>
      </form>}
      {error && <p className="field-error" role="alert">{error}</p>}
      <ErrorBanner error={list.error} />
      {items.length === 0 ? !list.loading && <p className="muted">{t('requests.empty')}</p> : (
        <ul className="request-list" aria-label={t('tabs.requests')}>
          {items.map((r) => (
            <li key={r.id} className="request-row" data-request={r.status}>
              <span>
                {r.text}
                <span className="muted small"> · {formatDate(r.day, i18n.language)}{r.from_visit ? ` · ${t('requests.fromVisit')}` : ''}</span>
              </span>
              <select aria-label={t('requests.statusOf', { text: r.text })} className={`status-${r.status}`} value={r.status} disabled={!access.canWrite} title={access.reason ?? undefined} onChange={(e) => void act(() => api['requests.update']({ id: r.id, patch: { status: e.target.value as Request['status'] } }))}>
                {STATUSES.map((s) => <option key={s} value={s}>{t(`enum.requestStatus.${s}`)}</option>)}
              </select>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
