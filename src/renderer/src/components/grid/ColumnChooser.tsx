import type { Column, GridApi } from 'ag-grid-community';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Shows or hides grid columns (the pinned name column always stays); saved views keep the choice. */
export function ColumnChooser<R>({ api }: { api: GridApi<R> | null }) {
  const { t } = useTranslation();
  const [columns, setColumns] = useState<Column[]>([]);
  const [, bump] = useState(0);
  useEffect(() => {
    if (!api) return;
    const load = () => {
      setColumns(api.getColumns() ?? []);
      bump((n) => n + 1);
    };
    load();
    api.addEventListener('columnVisible', load);
    api.addEventListener('displayedColumnsChanged', load);
    return () => {
      if (api.isDestroyed()) return;
      api.removeEventListener('columnVisible', load);
      api.removeEventListener('displayedColumnsChanged', load);
    };
  }, [api]);
  return (
    <details className="menu column-chooser">
      <summary>{t('grid.columns')}</summary>
      <fieldset className="menu-body">
        <legend className="small muted">{t('grid.columnsHint')}</legend>
        {columns.map((c) => {
          const pinned = c.getPinned() === 'left';
          return (
            <label key={c.getColId()}>
              <input type="checkbox" checked={c.isVisible()} disabled={pinned} onChange={(e) => api?.setColumnsVisible([c], e.target.checked)} /> {c.getColDef().headerName ?? c.getColId()}
            </label>
          );
        })}
      </fieldset>
    </details>
  );
}
