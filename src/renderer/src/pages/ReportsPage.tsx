import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, runJob, saveFile } from '../api/client';
import { PeriodPicker, periodText, type Granularity } from '../components/PeriodPicker';

/** The official reports: park operations (month, quarter, year) and the Torch statistics return. */
export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<'operations' | 'torch'>('operations');
  // The default period is the last full year before the database's "today" (a demo's own last day).
  const [today, setToday] = useState<string | null>(null);
  const [period, setPeriod] = useState<{ granularity: Granularity; year: number; part: number } | null>(null);
  const [asOf, setAsOf] = useState('');
  const [format, setFormat] = useState<'pdf' | 'xlsx'>('pdf');
  const [language, setLanguage] = useState<'zh-CN' | 'en'>(i18n.language === 'en' ? 'en' : 'zh-CN');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ token: string; name: string } | null>(null);

  useEffect(() => {
    void api['meta.info']({}).then((info) => {
      setToday(info.today);
      // The last full year: the year of "today" itself when today is its last day.
      const year = Number(info.today.slice(0, 4));
      setPeriod({ granularity: 'year', year: info.today.endsWith('-12-31') ? year : year - 1, part: 4 });
    });
  }, []);
  if (!today || !period) return <p className="muted">{t('common.loading')}</p>;
  const lastYear = Number(today.slice(0, 4));
  const years = Array.from({ length: lastYear - 2015 + 1 }, (_, i) => lastYear - i);

  const produce = async () => {
    setError(null);
    setDone(null);
    setProgress(0);
    try {
      const text = periodText(kind === 'torch' ? 'year' : period.granularity, period.year, period.part);
      const job = await api['reports.start']({ kind, period: text, format, language, ...(asOf ? { asOf } : {}) });
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
        <div className="row" role="group" aria-label={t('reports.period')}>
          <span>{t('reports.period')}</span>
          <PeriodPicker {...period} years={years} yearOnly={kind === 'torch'} onChange={setPeriod} />
        </div>
        {kind === 'torch' && <p className="muted small">{t('reports.torchHint')}</p>}
        <label className="row">{t('reports.asOf')}
          <input type="date" aria-label={t('reports.asOf')} value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <label className="row">{t('reports.format')}
          <select aria-label={t('reports.format')} value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="pdf">PDF</option>
            <option value="xlsx">Excel (.xlsx)</option>
          </select>
        </label>
        <label className="row">{t('reports.language')}
          <select aria-label={t('reports.language')} value={language} onChange={(e) => setLanguage(e.target.value as typeof language)}>
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
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
