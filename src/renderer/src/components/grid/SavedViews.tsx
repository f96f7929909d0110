import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../../api/client';
import { useCoreData } from '../../lib/useCoreData';
import { Modal } from '../Modal';
import { useToast } from '../Toasts';

type Area = 'enterprises' | 'incubations' | 'leads' | 'targets';
export type ViewState = Parameters<(typeof api)['views.save']>[0]['state'];
export type SavedView = Awaited<ReturnType<(typeof api)['views.list']>>[number];

/** Named views of a grid (filters, sort, columns), shared by everyone using this database. */
export function SavedViews({ area, current, apply }: { area: Area; current: () => ViewState; apply: (view: SavedView) => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const views = useCoreData(() => api['views.list']({ area }), [area], []);
  const [chosen, setChosen] = useState('');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const list = views.data ?? [];

  const save = async () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    try {
      await api['views.save']({ area, name: trimmed, state: current() });
      await views.reload();
      setChosen(trimmed);
      setNaming(false);
      toast({ kind: 'info', text: t('grid.viewSaved', { name: trimmed }) });
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };
  const remove = async () => {
    try {
      await api['views.delete']({ area, name: chosen });
      await views.reload();
      toast({ kind: 'info', text: t('grid.viewDeleted', { name: chosen }) });
      setChosen('');
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <div className="saved-views">
      <select
        aria-label={t('grid.views')}
        value={chosen}
        onChange={(e) => {
          setChosen(e.target.value);
          const view = list.find((v) => v.name === e.target.value);
          if (view) apply(view);
        }}
      >
        <option value="">{list.length ? t('grid.viewsPick') : t('grid.viewsNone')}</option>
        {list.map((v) => <option key={v.name} value={v.name}>{v.name}</option>)}
      </select>
      <button type="button" onClick={() => { setName(chosen); setNaming(true); }}>{t('grid.viewSave')}</button>
      {chosen && <button type="button" className="danger" aria-label={t('grid.viewDelete', { name: chosen })} title={t('grid.viewDelete', { name: chosen })} onClick={() => void remove()}>{t('common.delete')}</button>}
      <Modal open={naming} onClose={() => setNaming(false)} label={t('grid.viewSave')} className="confirm">
        <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <h2>{t('grid.viewSave')}</h2>
          <label className="stack">
            {t('grid.viewName')}
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoFocus required />
          </label>
          <p className="small muted">{t('grid.viewSaveHint')}</p>
          <div className="actions">
            <button type="button" onClick={() => setNaming(false)}>{t('common.cancel')}</button>
            <button type="submit" className="primary" disabled={!name.trim()}>{t('common.save')}</button>
          </div>
        </form>
      </Modal>
    </div>
  );
}
