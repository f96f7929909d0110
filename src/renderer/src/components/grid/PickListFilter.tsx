import type { IFilterParams } from 'ag-grid-community';
import { useGridFilter, type CustomFilterProps, type CustomFloatingFilterProps } from 'ag-grid-react';
import { useMemo, useState } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCoreData } from '../../lib/useCoreData';

/**
 * The filter of a coded column (industry, kind, status, stage, source, owner, mentor): a pick list in
 * the user's language. Its model is the one the core already reads for such columns, `equals` with
 * the chosen codes comma-separated, so links (chart click-throughs, the address) and the pick list
 * speak the same model, and the floating filter shows the chosen labels, never the codes.
 */
export interface PickListSource {
  /** An enum of the i18n bundle (`enum.<name>.<code>`, incl. industry and leadStage), or staff names of a role. */
  enumName?: string;
  staffRole?: string;
}
export type PickListModel = { filterType: 'text'; type: 'equals' | 'contains'; filter: string };

export const pickListCodes = (model: PickListModel | null | undefined): string[] =>
  model?.type === 'equals' ? model.filter.split(',').map((s) => s.trim()).filter(Boolean) : [];

/** The options of a source, as [code, label] in the UI language. */
function useOptions(source: PickListSource): [string, string][] {
  const { t, i18n } = useTranslation();
  const staff = useCoreData(source.staffRole ? () => api['staff.list']({}) : null, [source.staffRole], ['staff']).data;
  return useMemo(() => {
    if (source.staffRole) return (staff ?? []).filter((s) => s.role === source.staffRole).map((s) => [s.name, s.name] as [string, string]);
    const codes = Object.keys((t(`enum.${source.enumName}`, { returnObjects: true }) as Record<string, string> | string) || {});
    return codes.map((c) => [c, t(`enum.${source.enumName}.${c}`)] as [string, string]);
    // i18n.language: the labels change with the language
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source.enumName, source.staffRole, staff, t, i18n.language]);
}

/** How a model reads: the chosen labels, or the typed text for a `contains` model. */
export function useModelText(source: PickListSource, model: PickListModel | null): string {
  const options = useOptions(source);
  if (!model) return '';
  if (model.type !== 'equals') return model.filter;
  const byCode = new Map(options);
  return pickListCodes(model).map((c) => byCode.get(c) ?? c).join(i18next.t('common.listSep'));
}

type Props = CustomFilterProps<unknown, unknown, PickListModel> & IFilterParams & { source: PickListSource };

export function PickListFilter({ model, onModelChange, source, colDef }: Props) {
  const { t } = useTranslation();
  const options = useOptions(source);
  const [search, setSearch] = useState('');
  // The grid asks only on the client row model; the core filters (infinite model), so every row passes.
  useGridFilter({ doesFilterPass: () => true });
  const chosen = new Set(pickListCodes(model));
  const shown = options.filter(([code, label]) => !search.trim() || label.toLowerCase().includes(search.trim().toLowerCase()) || code.includes(search.trim().toLowerCase()));
  const set = (codes: Set<string>) => onModelChange(codes.size ? { filterType: 'text', type: 'equals', filter: [...codes].join(',') } : null);
  const toggle = (code: string) => {
    const next = new Set(chosen);
    if (next.has(code)) next.delete(code);
    else next.add(code);
    set(next);
  };
  const name = colDef.headerName ?? '';
  return (
    <div className="pick-list" role="group" aria-label={t('grid.pickListOf', { name })}>
      <input type="search" aria-label={t('grid.pickListSearch', { name })} placeholder={t('grid.pickListSearchPlaceholder')} value={search} onChange={(e) => setSearch(e.target.value)} />
      <ul>
        {shown.map(([code, label]) => (
          <li key={code}>
            <label>
              <input type="checkbox" checked={chosen.has(code)} onChange={() => toggle(code)} /> {label}
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">{t('grid.pickListNone')}</li>}
      </ul>
      <div className="pick-list-actions">
        <button type="button" onClick={() => set(new Set(shown.map(([c]) => c)))} disabled={shown.length === 0}>{t('grid.pickAll')}</button>
        <button type="button" onClick={() => set(new Set())} disabled={chosen.size === 0}>{t('grid.pickNone')}</button>
      </div>
    </div>
  );
}

type FloatingProps = CustomFloatingFilterProps<never, unknown, unknown, PickListModel> & { source: PickListSource };

/** The header row's summary of a pick list: the chosen labels; a click or Enter opens the list. */
export function PickListFloatingFilter({ model, showParentFilter, source, column }: FloatingProps) {
  const { t } = useTranslation();
  const text = useModelText(source, model);
  const name = column.getColDef().headerName ?? '';
  return (
    <button type="button" className="pick-list-summary" title={text} aria-label={t('grid.pickListOpen', { name, value: text || t('grid.pickListAny') })} onClick={() => showParentFilter()}>
      {text || <span className="muted">{t('grid.pickListAny')}</span>}
    </button>
  );
}
