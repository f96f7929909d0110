import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorText } from '../api/client';
import { formatDate, formatWan, wanToYuan } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import { useDatabaseDay } from '../lib/databaseDay';
import { ErrorBanner } from './ErrorBanner';
import { Icon } from './Icon';
import { ReadOnlyNote } from '../hub/ReadOnlyNote';
import { useWriteAccess } from '../hub/useWriteAccess';

type Item = Record<string, unknown> & { id: string };

/**
 * A startup's regulation checks (shown as warnings, never silent), its graduation checklist, its
 * milestones and its financing rounds.
 */
export function IncubationPanel({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [ms, setMs] = useState({ goal: '', unit: '', target_value: '', deadline: '' });
  const [round, setRound] = useState({ date: '', round: '', amount: '', investor: '' });
  const [error, setError] = useState<string | null>(null);
  // A milestone marked done, or a round left undated, is dated the database's today (a demo's last day).
  const day = useDatabaseDay();
  const roundDate = round.date || day || '';
  const milestoneAccess = useWriteAccess('startup_milestones');
  const roundAccess = useWriteAccess('financing_rounds');

  const assessed = useCoreData(() => api['incubations.assess']({ id }), [id], ['incubations', 'enterprises', 'financing_rounds']);
  const milestoneList = useCoreData(() => api['startupMilestones.of']({ incubation_id: id }) as Promise<Item[]>, [id], ['startup_milestones']);
  const roundList = useCoreData(() => api['financing.of']({ incubation_id: id }) as Promise<Item[]>, [id], ['financing_rounds']);
  const assessment = assessed.data;
  const milestones = milestoneList.data ?? [];
  const rounds = roundList.data ?? [];
  const load = () => {
    void assessed.reload();
    void milestoneList.reload();
    void roundList.reload();
  };

  const run = async (fn: () => Promise<unknown>, reset: () => void) => {
    setError(null);
    try {
      await fn();
      reset();
      load();
      onChanged();
    } catch (err) {
      // Field messages here name the field, as the small forms have no label beside each input.
      setError(err instanceof ApiError && err.payload.fields?.length ? err.payload.fields.map((f) => `${t(`incubation.${f.field}`, { defaultValue: f.field })}: ${f.message}`).join(t('common.clauseSep')) : errorText(err));
    }
  };

  const c = assessment?.checklist;
  const check = (ok: boolean | undefined, label: string) => <li className={ok ? 'ok' : 'no'}><Icon name={ok ? 'check' : 'circle'} /> {label}</li>;

  return (
    <div className="panel">
      <ReadOnlyNote access={milestoneAccess.canWrite ? roundAccess : milestoneAccess} />
      <ErrorBanner error={assessed.error ?? milestoneList.error ?? roundList.error} />
      {assessment && assessment.warnings.length > 0 && (
        <div className="warnings" role="alert">
          {assessment.warnings.map((w) => <p key={w.code}><Icon name="warning" /> {t(`incubation.warning_${w.code}`, { months: w.months })}</p>)}
        </div>
      )}
      <h3>{t('incubation.checklist')}</h3>
      {c && (
        <ul className="checklist">
          {check(c.highTech, t('incubation.highTech'))}
          {check(c.financingOk, t('incubation.financing', { amount: formatWan(c.financingRaised, locale) }))}
          {check(c.revenueOk, t('incubation.revenue', { amount: c.revenueTwoYears == null ? '—' : formatWan(c.revenueTwoYears, locale) }))}
          {check(c.listedOrAcquired, t('incubation.listed'))}
          <li className={c.anyMet ? 'ok strong' : 'no strong'}>{c.anyMet ? t('incubation.canGraduate') : t('incubation.notYet')}</li>
        </ul>
      )}
      <h3>{t('incubation.milestones')}</h3>
      <ul className="item-list">
        {milestones.map((m) => (
          <li key={m.id}>
            <span><Icon name={m.done_date ? 'check' : 'circle'} /> {String(m.goal)}{m.target_value != null ? ` · ${String(m.target_value)} ${String(m.unit ?? '')}` : ''}</span>
            <span className="muted small">{m.deadline ? formatDate(String(m.deadline), locale) : ''}</span>
            {!m.done_date && milestoneAccess.canWrite && <button type="button" className="small-button" disabled={!day} onClick={() => void run(() => api['startupMilestones.update']({ id: m.id, patch: { done_date: day ?? undefined } }), () => {})}>{t('incubation.markDone')}</button>}
          </li>
        ))}
      </ul>
      {milestoneAccess.canWrite && <div className="inline-form">
        <input aria-label={t('incubation.goal')} placeholder={t('incubation.goal')} value={ms.goal} onChange={(e) => setMs({ ...ms, goal: e.target.value })} />
        <input aria-label={t('incubation.targetValue')} placeholder={t('incubation.targetValue')} inputMode="decimal" value={ms.target_value} onChange={(e) => setMs({ ...ms, target_value: e.target.value })} />
        <input aria-label={t('incubation.unit')} placeholder={t('incubation.unit')} value={ms.unit} onChange={(e) => setMs({ ...ms, unit: e.target.value })} />
        <input aria-label={t('incubation.deadline')} type="date" value={ms.deadline} onChange={(e) => setMs({ ...ms, deadline: e.target.value })} />
        <button type="button" onClick={() => void run(() => api['startupMilestones.create']({ incubation_id: id, goal: ms.goal, unit: ms.unit || null, target_value: ms.target_value ? Number(ms.target_value) : null, deadline: ms.deadline || null }), () => setMs({ goal: '', unit: '', target_value: '', deadline: '' }))}>+</button>
      </div>}
      <h3>{t('incubation.rounds')}</h3>
      <ul className="item-list">
        {rounds.map((r) => (
          <li key={r.id}><span>{String(r.round ?? '')} {formatWan(r.amount as number, locale)} {t('common.wan')} · {String(r.investor ?? '')}</span><span className="muted small">{formatDate(String(r.date), locale)}</span></li>
        ))}
      </ul>
      {roundAccess.canWrite && <div className="inline-form">
        <input aria-label={t('incubation.roundDate')} type="date" value={roundDate} max={day ?? undefined} onChange={(e) => setRound({ ...round, date: e.target.value })} />
        <input aria-label={t('incubation.round')} placeholder={t('incubation.round')} value={round.round} onChange={(e) => setRound({ ...round, round: e.target.value })} />
        <input aria-label={t('incubation.amount')} placeholder={t('incubation.amount')} inputMode="decimal" value={round.amount} onChange={(e) => setRound({ ...round, amount: e.target.value })} />
        <input aria-label={t('incubation.investor')} placeholder={t('incubation.investor')} value={round.investor} onChange={(e) => setRound({ ...round, investor: e.target.value })} />
        <button type="button" disabled={!roundDate} onClick={() => void run(() => api['financing.create']({ incubation_id: id, date: roundDate, round: round.round || null, amount: wanToYuan(Number(round.amount)), investor: round.investor || null }), () => setRound({ date: '', round: '', amount: '', investor: '' }))}>+</button>
      </div>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
