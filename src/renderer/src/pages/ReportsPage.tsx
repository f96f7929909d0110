import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, runJob, saveFile } from '../api/client';

/** The official reports: park operations (month, quarter, year) and the Torch statistics return. */
export function ReportsPage() {
  const { t } = useTranslation();
  const year = new Date().getFullYear() - 1;
  const [kind, setKind] = useState<'operations' | 'torch'>('operations');
  const [period, setPeriod] = useState(String(year));
  const [asOf, setAsOf] = useState('');
  const [format, setFormat] = useState<'pdf' | 'xlsx'>('pdf');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ token: string; name: string } | null>(null);

  const produce = async () => {
    setError(null);
    setDone(null);
    setProgress(0);
    try {
      const job = await api['reports.start']({ kind, period: kind === 'torch' ? period.slice(0, 4) : period, format, ...(asOf ? { asOf } : {}) });
      const out = await runJob<{ token: string; name: string }>(job.id, (d, total) => setProgress(Math.round((d / Math.max(1, total)) * 100)));
      setDone(out);
      await saveFile(out.token, out.name);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="reports-page">
      <h1>{t('reports.title')}</h1>
      <section className="card report-form">
        <label className="row">{t('reports.kind')}
          <select aria-label={t('reports.kind')} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="operations">{t('reports.operations')}</option>
            <option value="torch">{t('reports.torch')}</option>
          </select>
        </label>
        <label className="row">{t('reports.period')}
          <input aria-label={t('reports.period')} value={period} onChange={(e) => setPeriod(e.target.value.trim())} placeholder="2020 / 2020-Q4 / 2020-12" />
        </label>
        <p className="muted small">{kind === 'torch' ? t('reports.torchHint') : t('reports.periodHint')}</p>
        <label className="row">{t('reports.asOf')}
          <input type="date" aria-label={t('reports.asOf')} value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <label className="row">{t('reports.format')}
          <select aria-label={t('reports.format')} value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="pdf">PDF</option>
            <option value="xlsx">Excel (.xlsx)</option>
          </select>
        </label>
        <button type="button" className="primary" disabled={progress !== null} onClick={() => void produce()}>{t('reports.produce')}</button>
        {progress !== null && <div className="bar" role="progressbar" aria-valuenow={progress}><span style={{ width: `${progress}%` }} /></div>}
        {error && <p className="form-error" role="alert">{error}</p>}
        {done && <p role="status">{t('reports.ready', { name: done.name })} <button type="button" className="link" onClick={() => void saveFile(done.token, done.name)}>{t('reports.again')}</button></p>}
      </section>
    </div>
  );
}
