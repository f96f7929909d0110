import type { CellValueChangedEvent, ColDef, GridApi, GridReadyEvent, IDatasource, IGetRowsParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { AG_GRID_LOCALE_CN, AG_GRID_LOCALE_EN } from '@ag-grid-community/locale';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GridFilterModel } from '../../../core/grid/query';
import { api, ApiError, errorText, invokeMethod, runJob, saveFile } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { EntityForm } from '../components/EntityForm';
import { useWriteAccess } from '../hub/useWriteAccess';
import { ActivitiesPanel } from '../components/ActivitiesPanel';
import { HistoryPanel } from '../components/HistoryPanel';
import { IncubationPanel } from '../components/IncubationPanel';
import { StagePanel } from '../components/StagePanel';
import { RequestsPanel } from '../components/RequestsPanel';
import { VisitsPanel } from '../components/VisitsPanel';
import { ConfirmDialog } from '../components/Modal';
import { useToast } from '../components/Toasts';
import { ColumnChooser } from '../components/grid/ColumnChooser';
import { gridKeyHandlers } from '../components/grid/gridKeyboard';
import { decodeGridState, encodeGridState, rememberGridQuery, rememberedGridQuery, type FilterModel, type SortModel } from '../components/grid/gridUrl';
import { SavedViews, type SavedView, type ViewState } from '../components/grid/SavedViews';
import { UnsavedDialog } from '../components/grid/UnsavedDialog';
import { setNavigationGuard } from '../lib/navigationGuard';
import { formatNumber } from '../lib/format';
import { useReducedMotion } from '../lib/motion';
import type { Route } from '../lib/route';
import type { Theme } from '../lib/theme';
import { gridComponents, gridThemes } from '../components/grid/gridSetup';
import { useCoreChanges } from '../lib/useCoreData';
import type { RegistryConfig, Row } from './registries';
import { Icon } from '../components/Icon';

type DrawerTab = 'details' | 'history' | 'stages' | 'activities' | 'startup' | 'visits' | 'requests';
/** Tabs beyond details and history, per registry. */
const EXTRA_TABS: Partial<Record<RegistryConfig['area'], DrawerTab[]>> = {
  leads: ['stages', 'activities', 'visits'],
  incubations: ['stages', 'startup'],
  enterprises: ['activities', 'visits', 'requests'],
};

/** Multiplies 万元 filter values to yuan, the unit the core compares in. */
function toCoreFilter(model: Record<string, unknown>, moneyColumns: string[]): GridFilterModel {
  const out: Record<string, unknown> = {};
  for (const [col, f] of Object.entries(model)) {
    if (!moneyColumns.includes(col)) {
      out[col] = f;
      continue;
    }
    const scale = (c: Record<string, unknown>) => ({ ...c, filter: c.filter == null ? c.filter : Math.round((c.filter as number) * 10_000), filterTo: c.filterTo == null ? c.filterTo : Math.round((c.filterTo as number) * 10_000) });
    const m = f as Record<string, unknown>;
    out[col] = Array.isArray(m.conditions) ? { ...m, conditions: (m.conditions as Record<string, unknown>[]).map(scale) } : scale(m);
  }
  // AG Grid's filter model, in the shape the core's schema checks on arrival.
  return out as GridFilterModel;
}

/** The event source of a refused inline edit being put back (ag-grid reports it on cellValueChanged). */
const REVERT = 'parkpilot-revert';

export function RegistryPage({ config, route, theme }: { config: RegistryConfig; route: Route; theme: Theme }) {
  const { t, i18n } = useTranslation();
  const reducedMotion = useReducedMotion();
  const toast = useToast();
  const gridApi = useRef<GridApi<Row> | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [filtered, setFiltered] = useState(false);
  const [selected, setSelected] = useState<Row | null>(null);
  const [creating, setCreating] = useState(false);
  const [tab, setTab] = useState<DrawerTab>('details');
  const [confirming, setConfirming] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [readyApi, setReadyApi] = useState<GridApi<Row> | null>(null);
  const locale = i18n.language;

  // Unsaved edits in the record panel: every way of leaving them asks first (save / discard / stay).
  const dirty = useRef(false);
  const onDirtyChange = useCallback((d: boolean) => void (dirty.current = d), []);
  const [pending, setPending] = useState<(() => void) | null>(null);
  const afterSave = useRef<(() => void) | null>(null);
  const guarded = useCallback((action: () => void) => {
    if (dirty.current) setPending(() => action);
    else action();
  }, []);
  useEffect(() => setNavigationGuard({ blocks: () => dirty.current, ask: (proceed) => setPending(() => proceed) }), []);
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (dirty.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);
  const resolvePending = (choice: 'save' | 'discard' | 'stay') => {
    const proceed = pending;
    setPending(null);
    if (!proceed || choice === 'stay') return;
    if (choice === 'discard') {
      dirty.current = false;
      proceed();
      return;
    }
    afterSave.current = proceed;
    document.querySelector<HTMLFormElement>('.drawer form.entity-form')?.requestSubmit();
  };

  // On an office hub a viewer (or staff, for the plan's tables) reads only: no cell editors, no New.
  const access = useWriteAccess(config.area);
  const columnDefs = useMemo(() => {
    // Every header tells its whole name on hover: a long one ("Unified Social Credit Code") is cut to fit.
    const cols = config.columns(t, locale).map((c) => ({ headerTooltip: c.headerName, ...c }));
    return access.canWrite ? cols : cols.map((c) => ({ ...c, editable: false }));
  }, [config, t, locale, access.canWrite]);
  const defaultColDef = useMemo<ColDef<Row>>(() => ({ resizable: true, sortable: false, filter: false, floatingFilter: true, suppressHeaderMenuButton: false, filterParams: { buttons: ['reset'], maxNumConditions: 2 } }), []);

  // The filter and sort of the grid's latest request: an answer to an earlier one (the unfiltered first
  // page of a linked filter, answered after the filtered one on a busy machine) must not set the count.
  const latestQuery = useRef('');
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (params: IGetRowsParams) => {
        const request = {
          startRow: params.startRow,
          endRow: params.endRow,
          sortModel: params.sortModel.map((s) => ({ colId: s.colId, sort: s.sort })),
          filterModel: toCoreFilter(params.filterModel as Record<string, unknown>, config.moneyColumns),
        };
        const query = JSON.stringify([request.sortModel, request.filterModel]);
        latestQuery.current = query;
        invokeMethod(`${config.area}.rows`, request)
          .then((result) => {
            if (query !== latestQuery.current) {
              params.successCallback(result.rows, result.count); // the grid drops a purged block itself
              return;
            }
            setCount(result.count);
            setFiltered(Object.keys(request.filterModel).length > 0);
            setLoadError(null);
            params.successCallback(result.rows, result.count);
          })
          .catch((err: unknown) => {
            setLoadError(errorText(err));
            params.failCallback();
          });
      },
    }),
    [config],
  );

  // Open the record named in the address (from search, a link, or a row the user opened).
  useEffect(() => {
    if (route.id) {
      setCreating(false);
      invokeMethod(`${config.area}.get`, { id: route.id })
        .then(setSelected)
        .catch((err: unknown) => toast({ kind: 'error', text: errorText(err) }));
    } else setSelected(null);
  }, [route.id, config.area, toast]);

  // The grid's filters and sort live in the address (linkable; back and forward work) and are
  // remembered for the session, so coming back from another page shows the same view.
  const query = route.params.toString();
  const writtenQuery = useRef<string | null>(null);
  const routeId = useRef(route.id);
  routeId.current = route.id;
  const pathOf = (id: string | undefined, q: string) => `#/${config.area}${id ? `/${id}` : ''}${q ? `?${q}` : ''}`;
  const currentQuery = () => {
    const grid = gridApi.current;
    if (!grid) return query;
    const sort = grid.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0)).map((c) => ({ colId: c.colId, sort: c.sort! }));
    const q = encodeGridState({ filter: grid.getFilterModel() as FilterModel, sort });
    // Opened from a past as-of day of the Overview: the address keeps saying so (the note reads it).
    const asOf = new URLSearchParams(location.hash.split('?')[1] ?? '').get('asof');
    return asOf ? `${q}${q ? '&' : ''}asof=${asOf}` : q;
  };
  const syncAddress = () => {
    const q = currentQuery();
    writtenQuery.current = q;
    rememberGridQuery(config.area, q);
    if (q !== new URLSearchParams(location.hash.split('?')[1] ?? '').toString()) history.replaceState(history.state, '', pathOf(routeId.current, q));
  };
  const applyState = (grid: GridApi<Row>, filter: FilterModel, sort: SortModel) => {
    grid.applyColumnState({ state: sort.map((s, i) => ({ colId: s.colId, sort: s.sort, sortIndex: i })), defaultState: { sort: null } });
    grid.setFilterModel(Object.keys(filter).length ? filter : null);
  };
  const applyQuery = useCallback(
    (grid: GridApi<Row>, q: string) => {
      const known = (col: string) => !!grid.getColumn(col) || config.routeFilters.includes(col);
      const isDate = (col: string) => grid.getColumn(col)?.getColDef().filter === 'agDateColumnFilter';
      const params = new URLSearchParams(q);
      const state = decodeGridState(params, known, isDate);
      // `?q=` (global search's "see all"): names that contain the text.
      const text = params.get('q');
      if (text) state.filter[config.area === 'leads' ? 'company' : 'name'] = { filterType: 'text', type: 'contains', filter: text };
      writtenQuery.current = q;
      applyState(grid, state.filter, state.sort);
    },
    [config.routeFilters, config.area],
  );
  useEffect(() => {
    const grid = gridApi.current;
    if (grid && query !== writtenQuery.current) applyQuery(grid, query);
  }, [query, applyQuery]);

  const refresh = useCallback(() => gridApi.current?.refreshInfiniteCache(), []);
  useCoreChanges(config.watch, refresh);

  const onGridReady = (e: GridReadyEvent<Row>) => {
    gridApi.current = e.api;
    setReadyApi(e.api);
    // A bare address (sidebar link) shows the view this grid had earlier in the session.
    const q = query || route.id ? query : rememberedGridQuery(config.area);
    applyQuery(e.api, q);
    if (q !== query) history.replaceState(history.state, '', pathOf(route.id, q));
  };

  const currentView = (): ViewState => {
    const grid = gridApi.current!;
    const state = decodeGridState(new URLSearchParams(currentQuery()), () => true, () => false);
    return {
      filter: grid.getFilterModel() as ViewState['filter'],
      sort: state.sort,
      columns: grid.getColumnState().map((c) => ({ colId: c.colId, hide: !!c.hide, ...(c.width ? { width: Math.round(c.width) } : {}), ...(c.pinned === 'left' || c.pinned === 'right' ? { pinned: c.pinned } : {}) })),
    };
  };
  const applyView = (view: SavedView) => {
    const grid = gridApi.current;
    if (!grid) return;
    if (view.columns.length) grid.applyColumnState({ state: view.columns.map((c) => ({ colId: c.colId, hide: c.hide ?? false, ...(c.width ? { width: c.width } : {}), pinned: c.pinned ?? null })) });
    applyState(grid, view.filter as FilterModel, view.sort);
  };

  const onCellValueChanged = (e: CellValueChangedEvent<Row>) => {
    // Putting back a refused value is no edit: saving it would be refused again and revert again, forever.
    if (e.source === REVERT) return;
    const field = e.colDef.field!;
    let value = e.newValue as unknown;
    if (typeof value === 'string' && e.colDef.filter === 'agNumberColumnFilter') value = value.trim() === '' ? null : Number(value);
    if (value === '') value = null;
    invokeMethod(`${config.area}.update`, { id: e.data.id, patch: { [field]: value } })
      .then(() => toast({ kind: 'info', text: t('common.inlineSaved', { field: e.colDef.headerName }) }))
      .catch((err: unknown) => {
        e.node.setDataValue(field, e.oldValue, REVERT);
        toast({ kind: 'error', text: t('common.inlineFailed', { message: err instanceof ApiError ? (err.fieldMessage(field) ?? errorText(err)) : errorText(err) }) });
      });
  };

  /** Opening a record changes the address (`#/area/<id>?<view>`), so it can be linked and goes back. */
  const openRow = (row: Row | undefined) => {
    if (!row || (row.id === selected?.id && !creating)) return;
    guarded(() => {
      dirty.current = false;
      setCreating(false);
      setSelected(row);
      setTab('details');
      location.hash = pathOf(row.id, currentQuery());
    });
  };
  /**
   * The open record's row is the grid's selected row, however it was opened (a click, Enter, a search
   * hit, a link from the Overview, the address): the user sees which row the drawer shows. A row not
   * loaded yet is selected when its block arrives (onModelUpdated); closing the drawer clears it.
   */
  const markOpenRow = () => {
    const api = gridApi.current;
    if (!api) return;
    const id = selected?.id;
    const node = id ? api.getRowNode(String(id)) : undefined;
    if (node) {
      if (!node.isSelected()) api.setNodesSelected({ nodes: [node], newValue: true, source: 'api' });
      for (const other of api.getSelectedNodes()) if (other !== node) other.setSelected(false, false, 'api');
    } else if (api.getSelectedNodes().length) api.deselectAll(undefined, 'api');
  };
  useEffect(markOpenRow, [selected?.id]);
  const keys = useMemo(() => gridKeyHandlers<Row>(() => gridApi.current, (row) => openRow(row)), [selected, creating]); // eslint-disable-line react-hooks/exhaustive-deps

  const reloadSelected = () => {
    if (!selected) return;
    refresh();
    invokeMethod(`${config.area}.get`, { id: selected.id })
      .then(setSelected)
      .catch(() => {});
  };

  const closeDrawer = () => {
    dirty.current = false;
    setSelected(null);
    setCreating(false);
    if (route.id) location.hash = pathOf(undefined, currentQuery());
  };
  const closeDrawerAsking = () => guarded(closeDrawer);

  const remove = async () => {
    if (!selected) return;
    setConfirming(false);
    const target = selected;
    try {
      await invokeMethod(`${config.area}.delete`, { id: target.id });
      closeDrawer();
      refresh();
      toast({
        kind: 'info',
        text: t('common.deleted', { name: config.nameOf(target) }),
        action: {
          label: t('common.undo'),
          run: () => {
            void invokeMethod(`${config.area}.restore`, { id: target.id })
              .then(() => {
                refresh();
                toast({ kind: 'info', text: t('common.restored', { name: config.nameOf(target) }) });
              })
              .catch((err: unknown) => toast({ kind: 'error', text: errorText(err) }));
          },
        },
      });
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };

  /** Every matching row (not only the loaded ones), with the grid's filter, sort and visible columns. */
  const [exporting, setExporting] = useState(false);
  const exportRows = async (format: 'xlsx' | 'csv') => {
    const grid = gridApi.current;
    if (!grid) return;
    setExporting(true);
    try {
      const columns = grid.getAllDisplayedColumns().flatMap((c) =>
        // The targets grid shows min–max in one column; a sheet wants two numeric ones.
        c.getColId() === 'range'
          ? [{ key: 'min_value', header: t('field.min_value') }, { key: 'max_value', header: t('field.max_value') }]
          : [{ key: c.getColDef().field ?? (c.getColId() === 'name' && config.area === 'incubations' ? 'enterprise_name' : c.getColId()), header: c.getColDef().headerName ?? c.getColId() }],
      );
      const sortModel = grid.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0)).map((c) => ({ colId: c.colId, sort: c.sort! }));
      const job = await api['exports.start']({ view: config.area, format, columns, sortModel, filterModel: toCoreFilter(grid.getFilterModel() as Record<string, unknown>, config.moneyColumns) });
      const out = await runJob<{ token: string; name: string; rows: number }>(job.id);
      await saveFile(out.token, out.name);
      toast({ kind: 'info', text: t('exports.done', { n: out.rows }) });
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    } finally {
      setExporting(false);
    }
  };

  const drawerOpen = creating || selected !== null;

  return (
    <div className="registry">
      <div className="toolbar">
        <h1>{t(`nav.${config.area}`)}</h1>
        <span className="count" aria-live="polite">{count === null ? t('common.loading') : t('common.rows', { count, n: formatNumber(count, locale) })}</span>
        <div className="spacer" />
        {filtered && (
          <button type="button" onClick={() => gridApi.current?.setFilterModel(null)}>
            {t('common.clearFilters')}
          </button>
        )}
        <SavedViews area={config.area} current={currentView} apply={applyView} />
        <ColumnChooser api={readyApi} />
        {(['xlsx', 'csv'] as const).map((format) => (
          <button key={format} type="button" disabled={exporting} onClick={() => void exportRows(format)}>
            {exporting ? t('exports.working') : t(`exports.${format}`)}
          </button>
        ))}
        <button type="button" className="primary" disabled={!access.canWrite} title={access.reason ?? undefined} onClick={() => guarded(() => { dirty.current = false; setSelected(null); setCreating(true); setTab('details'); if (route.id) location.hash = pathOf(undefined, currentQuery()); })}>
          + {t('common.new')}
        </button>
      </div>
      {access.reason && <p className="muted small read-only-note" role="note">{access.reason}</p>}
      {route.params.get('asof') && (
        <p className="warning small as-of-note" role="note">
          {t('grid.asOfNote', { date: route.params.get('asof') })} <a href="#/overview">{t('grid.asOfBack')}</a>
        </p>
      )}
      <div className={`registry-body ${drawerOpen ? 'with-drawer' : ''}`}>
        <div className="grid-wrap" tabIndex={-1} aria-label={t('grid.label', { name: t(`nav.${config.area}`) })} onKeyDownCapture={keys.onKeyDownCapture} onFocusCapture={keys.onFocusCapture}>
          <AgGridReact<Row>
            theme={gridThemes[theme]}
            components={gridComponents}
            rowModelType="infinite"
            datasource={datasource}
            cacheBlockSize={100}
            maxBlocksInCache={100}
            getRowId={(p) => p.data.id}
            columnDefs={columnDefs}
            defaultColDef={defaultColDef}
            localeText={locale === 'en' ? AG_GRID_LOCALE_EN : AG_GRID_LOCALE_CN}
            rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
            onRowClicked={(e) => openRow(e.data)}
            onCellFocused={keys.remember}
            onCellValueChanged={onCellValueChanged}
            onGridReady={onGridReady}
            onModelUpdated={markOpenRow}
            onFilterChanged={syncAddress}
            onSortChanged={syncAddress}
            suppressOverlays={['noRows', 'noMatchingRows']}
            animateRows={!reducedMotion}
            stopEditingWhenCellsLoseFocus
            singleClickEdit={false}
          />
          {count === 0 && (
            <div className="empty-state" role="status">
              <p>{filtered ? t('common.emptyFiltered') : t('common.empty')}</p>
              {filtered && <button type="button" onClick={() => gridApi.current?.setFilterModel(null)}>{t('common.clearFilters')}</button>}
            </div>
          )}
          <ErrorBanner error={loadError} />
        </div>
        {drawerOpen && (
          <aside className="drawer" aria-label={t('common.details')} onKeyDown={(e) => { if (e.key === 'Escape' && !e.defaultPrevented) closeDrawerAsking(); }}>
            <div className="drawer-head">
              <h2>{creating ? t('common.new') : config.nameOf(selected!)}</h2>
              <button type="button" aria-label={t('common.close')} onClick={closeDrawerAsking}><Icon name="close" /></button>
            </div>
            {!creating && (
              <div className="tabs" role="tablist">
                <button type="button" role="tab" aria-selected={tab === 'details'} onClick={() => setTab('details')}>{t('common.details')}</button>
                <button type="button" role="tab" aria-selected={tab === 'history'} onClick={() => setTab('history')}>{t('common.history')}</button>
                {(EXTRA_TABS[config.area] ?? []).map((x) => (
                  <button key={x} type="button" role="tab" aria-selected={tab === x} onClick={() => setTab(x)}>{t(`tabs.${x}`)}</button>
                ))}
                <div className="spacer" />
                {access.canWrite && <button type="button" className="danger" onClick={() => setConfirming(true)}>{t('common.delete')}</button>}
              </div>
            )}
            {tab === 'details' || creating ? (
              <EntityForm
                key={creating ? 'new' : `${selected!.id}:${String(selected!.updated_at)}`}
                config={config}
                row={creating ? null : selected}
                readOnly={!access.canWrite}
                onSaved={(row, isNew) => {
                  dirty.current = false;
                  setCreating(false);
                  setSelected(row);
                  refresh();
                  toast({ kind: 'info', text: isNew ? t('common.created', { name: config.nameOf(row) }) : t('common.saved') });
                  const next = afterSave.current;
                  afterSave.current = null;
                  if (next) next();
                  else if (isNew) location.hash = pathOf(row.id, currentQuery());
                }}
                onSaveFailed={() => void (afterSave.current = null)}
                onDirtyChange={onDirtyChange}
                onCancel={closeDrawer}
              />
            ) : tab === 'history' ? (
              <HistoryPanel area={config.area} id={selected!.id} fields={config.fields} />
            ) : (
              <div className="drawer-scroll">
                {tab === 'stages' && (config.area === 'leads' || config.area === 'incubations') && <StagePanel entity={config.area} row={selected!} onChanged={reloadSelected} />}
                {tab === 'activities' && <ActivitiesPanel {...(config.area === 'leads' ? { leadId: selected!.id } : { enterpriseId: selected!.id })} />}
                {tab === 'startup' && <IncubationPanel id={selected!.id} onChanged={reloadSelected} />}
                {tab === 'visits' && <VisitsPanel {...(config.area === 'leads' ? { leadId: selected!.id } : { enterpriseId: selected!.id })} />}
                {tab === 'requests' && <RequestsPanel enterpriseId={selected!.id} />}
              </div>
            )}
          </aside>
        )}
      </div>
      <UnsavedDialog open={pending !== null} onSave={() => resolvePending('save')} onDiscard={() => resolvePending('discard')} onStay={() => resolvePending('stay')} />
      <ConfirmDialog
        open={confirming}
        title={t('common.confirmDeleteTitle')}
        message={t('common.confirmDelete', { name: selected ? config.nameOf(selected) : '' })}
        confirmLabel={t('common.delete')}
        cancelLabel={t('common.cancel')}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
