import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnumCode } from '../../../core/enums';
import { api, errorText } from '../api/client';
import { formatDate } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import { useDatabaseDay } from '../lib/databaseDay';
import { ErrorBanner } from './ErrorBanner';
import { ConvertDialog } from './ConvertDialog';
import { ReadOnlyNote } from '../hub/ReadOnlyNote';
import { useWriteAccess } from '../hub/useWriteAccess';

type Row = Record<string, unknown> & { id: string };
type IncubationStage = EnumCode<'incubationStage'>;

/** A lead's or incubation's stage history, and a dated move to another stage. */
export function StagePanel({ entity, row, onChanged }: { entity: 'leads' | 'incubations'; row: Row; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [stage, setStage] = useState(String(row.stage));
  // The database's today: a demo database lives on its last day of history, and the core refuses a
  // move dated after it, so the computer's date would be refused there.
  const appToday = useDatabaseDay();
  const [picked, setDate] = useState<string | null>(null);
  const date = picked ?? appToday ?? '';
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [converting, setConverting] = useState(false);
  const enumName = entity === 'leads' ? 'leadStage' : 'incubationStage';
  // A read-only role on the office hub sees the history only: a move would be refused.
  const access = useWriteAccess(entity);
  // Incubation stages in the core's order (`meta.enums` keeps it), as the labels were loaded.
  const incubationStages = Object.keys(t('enum.incubationStage', { returnObjects: true }) as Record<IncubationStage, string>) as IncubationStage[];

  const history = useCoreData(() => api['stages.history']({ entity, id: row.id }), [entity, row.id], ['stage_events']);
  const events = history.data ?? [];
  const leadStages = useCoreData(entity === 'leads' ? () => api['pipeline.stages']({}) : null, [entity], ['pipeline_stages']);
  const stages: { id: string; kind: string }[] = entity === 'leads' ? (leadStages.data ?? []) : incubationStages.map((id) => ({ id, kind: id === 'terminated' ? 'lost' : 'open' }));

  const kindOf = (code: string) => stages.find((s) => s.id === code)?.kind;
  const move = async () => {
    setError(null);
    try {
      if (entity === 'leads') await api['leads.moveStage']({ id: row.id, stage, date, ...(kindOf(stage) === 'lost' ? { lost_reason: reason } : {}) });
      else await api['incubations.moveStage']({ id: row.id, stage: stage as IncubationStage, date });
      void history.reload();
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="panel">
      <ReadOnlyNote access={access} />
      {access.canWrite && <h3>{t('stages.move')}</h3>}
      {access.canWrite && <div className="move-row">
        <select aria-label={t('field.stage')} value={stage} onChange={(e) => setStage(e.target.value)}>
          {stages.map((s) => <option key={s.id} value={s.id}>{t(`enum.${enumName}.${s.id}`)}</option>)}
        </select>
        <input type="date" aria-label={t('stages.date')} value={date} max={appToday ?? undefined} onChange={(e) => setDate(e.target.value)} />
        {kindOf(stage) === 'lost' && entity === 'leads' && <input aria-label={t('field.lost_reason')} placeholder={t('field.lost_reason')} value={reason} onChange={(e) => setReason(e.target.value)} />}
        <button type="button" className="primary" disabled={stage === row.stage || !date} onClick={() => void move()}>{t('stages.apply')}</button>
      </div>}
      {error && <p className="field-error" role="alert">{error}</p>}
      {access.canWrite && entity === 'leads' && kindOf(String(row.stage)) === 'won' && !row.enterprise_id && (
        <button type="button" onClick={() => setConverting(true)}>{t('pipeline.convert')}</button>
      )}
      {entity === 'leads' && !!row.enterprise_id && <a href={`#/enterprises/${String(row.enterprise_id)}`}>{t('pipeline.linked')}</a>}
      <h3>{t('stages.history')}</h3>
      <ErrorBanner error={history.error ?? leadStages.error} />
      {events.length === 0 ? !history.loading && !history.error && <p className="muted">{t('history.empty')}</p> : (
        <ol className="stage-history">
          {events.map((e) => (
            <li key={e.id}>
              <span className="tl-date">{formatDate(e.date, i18n.language)}</span>
              <span>{e.from_stage ? `${t(`enum.${enumName}.${e.from_stage}`)} → ` : ''}<strong>{t(`enum.${enumName}.${e.stage}`)}</strong>{e.note ? ` · ${e.note}` : ''}</span>
            </li>
          ))}
        </ol>
      )}
      {converting && <ConvertDialog leadId={row.id} company={String(row.company)} onClose={() => setConverting(false)} onDone={() => { setConverting(false); onChanged(); }} />}
    </div>
  );
}
