import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { reloadLabels, type UiLocale } from '../i18n';
import type { Theme } from '../lib/theme';
import { useEditableList } from '../lib/useEditableList';
import { useCoreData } from '../lib/useCoreData';
import { BackupsSettings } from './BackupsSettings';
import { PipelineSettings } from './PipelineSettings';
import { StaffSettings } from './StaffSettings';
import { OfficeSettings } from './OfficeSettings';
import { HubCard } from '../hub/HubCard';

type Industry = Awaited<ReturnType<(typeof api)['industries.list']>>[number];
const loadIndustries = () => api['industries.list']({});

export function Settings({ theme, onTheme, onLocale }: { theme: Theme; onTheme: (t: Theme) => void; onLocale: (l: UiLocale) => void }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState({ id: '', name_zh: '', name_en: '' });

  const { items: industries, error, run } = useEditableList(loadIndustries, ['industries'], reloadLabels);
  const info = useCoreData(() => api['meta.info']({}), [], []).data;

  const add = () =>
    run(async () => {
      await api['industries.create']({ ...draft, sort: industries.length + 1 });
      setDraft({ id: '', name_zh: '', name_en: '' });
    });
  const remove = (id: string) => run(() => api['industries.delete']({ id }));
  const rename = (id: string, patch: Partial<Industry>) => run(() => api['industries.update']({ id, patch }));

  return (
    <div className="settings">
      <h1>{t('settings.title')}</h1>
      <section className="card">
        <label className="row">
          {t('settings.language')}
          <select value={i18n.language} onChange={(e) => onLocale(e.target.value as UiLocale)}>
            <option value="zh-CN">中文（简体）</option>
            <option value="en">English</option>
          </select>
        </label>
        <label className="row">
          {t('settings.theme')}
          <select value={theme} onChange={(e) => onTheme(e.target.value as Theme)}>
            <option value="light">{t('app.light')}</option>
            <option value="dark">{t('app.dark')}</option>
          </select>
        </label>
      </section>
      <OfficeSettings />
      <HubCard />
      <section className="card">
        <h2>{t('settings.industries')}</h2>
        <p className="muted">{t('settings.industriesHint')}</p>
        <table className="plain">
          <thead>
            <tr><th>{t('settings.code')}</th><th>{t('settings.nameZh')}</th><th>{t('settings.nameEn')}</th><th>{t('common.rowActions')}</th></tr>
          </thead>
          <tbody>
            {industries.map((ind) => (
              <tr key={ind.id}>
                <td className="mono">{ind.id}</td>
                <td><input aria-label={`${ind.id} ${t('settings.nameZh')}`} defaultValue={ind.name_zh} onBlur={(e) => e.target.value !== ind.name_zh && void rename(ind.id, { name_zh: e.target.value })} /></td>
                <td><input aria-label={`${ind.id} ${t('settings.nameEn')}`} defaultValue={ind.name_en} onBlur={(e) => e.target.value !== ind.name_en && void rename(ind.id, { name_en: e.target.value })} /></td>
                <td><button type="button" className="danger" onClick={() => void remove(ind.id)}>{t('common.delete')}</button></td>
              </tr>
            ))}
            <tr>
              <td><input aria-label={t('settings.code')} placeholder="fintech" value={draft.id} onChange={(e) => setDraft({ ...draft, id: e.target.value })} /></td>
              <td><input aria-label={t('settings.nameZh')} placeholder="金融科技" value={draft.name_zh} onChange={(e) => setDraft({ ...draft, name_zh: e.target.value })} /></td>
              <td><input aria-label={t('settings.nameEn')} placeholder="Fintech" value={draft.name_en} onChange={(e) => setDraft({ ...draft, name_en: e.target.value })} /></td>
              <td><button type="button" className="primary" onClick={() => void add()}>{t('settings.add')}</button></td>
            </tr>
          </tbody>
        </table>
        {error && <p className="field-error" role="alert">{error}</p>}
      </section>
      <PipelineSettings />
      <StaffSettings />
      <BackupsSettings />
      {info && (
        <section className="card">
          <h2>{t('settings.database')}</h2>
          <dl className="info">
            <dt>{t('settings.file')}</dt><dd className="mono">{info.file}</dd>
            <dt>{t('settings.dataset')}</dt><dd>{t(`settings.${info.dataset ?? 'real'}`)}</dd>
            <dt>{t('settings.site')}</dt><dd className="mono">{info.site}</dd>
            <dt>{t('settings.sqlite')}</dt><dd>{info.sqlite}</dd>
          </dl>
        </section>
      )}
    </div>
  );
}
