import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { reloadLabels } from '../i18n';
import { useEditableList } from '../lib/useEditableList';

type Stage = Awaited<ReturnType<(typeof api)['pipeline.stages']>>[number];
const KINDS = ['open', 'won', 'lost'] as const;
const loadStages = () => api['pipeline.stages']({});

/** This database's investment-lead stages: two presets, or edit them one by one. */
export function PipelineSettings() {
  const { t } = useTranslation();
  const { items: stages, error, run } = useEditableList(loadStages, ['pipeline_stages'], reloadLabels);
  const [draft, setDraft] = useState({ id: '', name_zh: '', name_en: '', kind: 'open' as Stage['kind'] });

  return (
    <section className="card">
      <h2>{t('settings.pipeline')}</h2>
      <p className="muted">{t('settings.pipelineHint')}</p>
      <div className="row-buttons">
        <button type="button" onClick={() => void run(() => api['pipeline.applyPreset']({ preset: 'government' }))}>{t('settings.presetGovernment')}</button>
        <button type="button" onClick={() => void run(() => api['pipeline.applyPreset']({ preset: 'sales' }))}>{t('settings.presetSales')}</button>
      </div>
      <table className="plain">
        <thead>
          <tr><th>{t('settings.code')}</th><th>{t('settings.nameZh')}</th><th>{t('settings.nameEn')}</th><th>{t('settings.stageKind')}</th><th>{t('common.rowActions')}</th></tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <tr key={s.id} data-stage-row={s.id}>
              <td className="mono">{s.id}</td>
              <td><input aria-label={`${s.id} ${t('settings.nameZh')}`} defaultValue={s.name_zh} onBlur={(e) => e.target.value !== s.name_zh && void run(() => api['pipeline.update']({ id: s.id, patch: { name_zh: e.target.value } }))} /></td>
              <td><input aria-label={`${s.id} ${t('settings.nameEn')}`} defaultValue={s.name_en} onBlur={(e) => e.target.value !== s.name_en && void run(() => api['pipeline.update']({ id: s.id, patch: { name_en: e.target.value } }))} /></td>
              <td>
                <select aria-label={`${s.id} ${t('settings.stageKind')}`} value={s.kind} onChange={(e) => void run(() => api['pipeline.update']({ id: s.id, patch: { kind: e.target.value as Stage['kind'] } }))}>
                  {KINDS.map((k) => <option key={k} value={k}>{t(`settings.kind_${k}`)}</option>)}
                </select>
              </td>
              <td><button type="button" className="danger" onClick={() => void run(() => api['pipeline.delete']({ id: s.id }))}>{t('common.delete')}</button></td>
            </tr>
          ))}
          <tr>
            <td><input aria-label={t('settings.code')} placeholder="site_visit" value={draft.id} onChange={(e) => setDraft({ ...draft, id: e.target.value })} /></td>
            <td><input aria-label={t('settings.nameZh')} value={draft.name_zh} onChange={(e) => setDraft({ ...draft, name_zh: e.target.value })} /></td>
            <td><input aria-label={t('settings.nameEn')} value={draft.name_en} onChange={(e) => setDraft({ ...draft, name_en: e.target.value })} /></td>
            <td>
              <select aria-label={t('settings.stageKind')} value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Stage['kind'] })}>
                {KINDS.map((k) => <option key={k} value={k}>{t(`settings.kind_${k}`)}</option>)}
              </select>
            </td>
            <td>
              <button type="button" className="primary" onClick={() => void run(async () => {
                await api['pipeline.create']({ ...draft, sort: (stages.at(-1)?.sort ?? 0) + 1 });
                setDraft({ id: '', name_zh: '', name_en: '', kind: 'open' });
              })}>{t('settings.addStage')}</button>
            </td>
          </tr>
        </tbody>
      </table>
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}
