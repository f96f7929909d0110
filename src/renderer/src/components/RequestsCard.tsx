import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatDate } from '../lib/format';
import { afterFirstPaint } from '../lib/firstPaint';
import { useCoreData } from '../lib/useCoreData';
import '../fieldwork.css';

/** Overview: enterprises' requests (诉求) by status, and the oldest still waiting, each linking to its enterprise. */
export function RequestsCard() {
  const { t, i18n } = useTranslation();
  const s = useCoreData(() => afterFirstPaint(() => api['requests.summary']({})), [], ['requests', 'enterprises']).data;
  if (!s) return null;
  return (
    <section className="card requests-card" aria-labelledby="requests-card">
      <h2 id="requests-card">{t('requests.title')}</h2>
      <div className="counts">
        {(['open', 'in_progress', 'resolved'] as const).map((k) => (
          <div key={k} data-count={k} className={k === 'open' && s.open ? 'warn' : ''}><b>{s[k]}</b>{t(`enum.requestStatus.${k}`)}</div>
        ))}
      </div>
      {s.pending.length === 0 ? <p className="muted">{t('requests.nonePending')}</p> : (
        <ul className="small">
          {s.pending.map((r) => (
            <li key={r.id}>
              <a href={`#/enterprises/${r.enterprise_id}`}>{r.enterprise_name}</a>：{r.text} <span className={`status-${r.status}`}>· {t(`enum.requestStatus.${r.status}`)}</span>
              <span className="muted"> · {formatDate(r.day, i18n.language)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
