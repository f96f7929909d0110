import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import type { TFunction } from 'i18next';
import type { EnumName } from '../../../core/enums';
import { pickListFilter } from '../components/grid/pickColumn';
import { formatDate, formatNumber, formatWan } from '../lib/format';
import type { Watch } from '../lib/useCoreData';

/**
 * What each registry page shows: its grid columns and its form fields. Everything here is
 * presentation; the data, rules and SQL live in the core.
 */
export type Area = 'enterprises' | 'incubations' | 'leads' | 'targets';
export type FieldKind = 'text' | 'textarea' | 'number' | 'money' | 'date' | 'bool' | 'enum' | 'industry' | 'staff' | 'enterprise' | 'plan' | 'tags' | 'json' | 'measure' | 'qualifications' | 'contacts';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  enumName?: EnumName | 'leadStage';
  /** staff pickers: which role to offer */
  role?: string;
  required?: boolean;
  labelKey?: string;
  wide?: boolean;
}

export type Row = Record<string, unknown> & { id: string };

export interface RegistryConfig {
  area: Area;
  nameOf: (row: Row) => string;
  columns: (t: TFunction, locale: string) => ColDef<Row>[];
  fields: FieldDef[];
  defaults: () => Record<string, unknown>;
  /** Columns whose filter values the user types in 万元 and the core compares in yuan. */
  moneyColumns: string[];
  /** Filter set when arriving with `?key=value` in the address (e.g. from the Overview). */
  routeFilters: string[];
  /** The tables the grid shows data of: a change to one of them refreshes it. */
  watch: Watch;
}

type Fmt = (p: ValueFormatterParams<Row>) => string;
const textCol = (field: string, t: TFunction, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({ field, headerName: t(`field.${field}`), filter: 'agTextColumnFilter', ...extra });
const dateCol = (field: string, t: TFunction, locale: string, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({
  field, headerName: t(`field.${field}`), filter: 'agDateColumnFilter', sortable: true, width: 130,
  valueFormatter: ((p) => formatDate(p.value as string, locale)) as Fmt, ...extra,
});
const numberCol = (field: string, t: TFunction, locale: string, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({
  field, headerName: t(`field.${field}`), filter: 'agNumberColumnFilter', sortable: true, type: 'rightAligned', width: 120,
  valueFormatter: ((p) => formatNumber(p.value as number, locale)) as Fmt, ...extra,
});
const moneyCol = (field: string, t: TFunction, locale: string): ColDef<Row> => numberCol(field, t, locale, { width: 150, valueFormatter: ((p) => formatWan(p.value as number, locale)) as Fmt });
const enumCol = (field: string, enumName: string, t: TFunction, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({
  field, headerName: t(`field.${field}`), sortable: true, width: 120, ...pickListFilter<Row>({ enumName }),
  valueFormatter: ((p) => (p.value ? t(`enum.${enumName}.${String(p.value)}`) : '')) as Fmt, ...extra,
});

export const registries: Record<Area, RegistryConfig> = {
  enterprises: {
    area: 'enterprises',
    nameOf: (r) => String(r.name ?? ''),
    moneyColumns: ['registered_capital', 'revenue', 'tax', 'rd_spend'],
    routeFilters: ['status', 'kind', 'industry', 'entry_date', 'exit_date'],
    watch: ['enterprises'],
    columns: (t, locale) => [
      textCol('name', t, { sortable: true, editable: true, pinned: 'left', width: 280 }),
      textCol('uscc', t, { sortable: true, width: 200 }),
      enumCol('industry', 'industry', t, { width: 140 }),
      enumCol('kind', 'enterpriseKind', t),
      enumCol('status', 'enterpriseStatus', t, { editable: true, cellEditor: 'agSelectCellEditor', cellEditorParams: { values: ['settled', 'incubating', 'graduated', 'exited'] } }),
      textCol('building', t, { sortable: true, editable: true, width: 130 }),
      textCol('unit', t, { editable: true, width: 90 }),
      numberCol('area_m2', t, locale, { editable: true }),
      dateCol('entry_date', t, locale),
      dateCol('exit_date', t, locale),
      moneyCol('registered_capital', t, locale),
      numberCol('headcount', t, locale, { editable: true }),
      moneyCol('revenue', t, locale),
      moneyCol('tax', t, locale),
      moneyCol('rd_spend', t, locale),
      numberCol('patents', t, locale),
      dateCol('qualification_expires', t, locale, { width: 150 }),
      dateCol('updated_at', t, locale, { filter: false }),
    ],
    fields: [
      { name: 'name', kind: 'text', required: true, wide: true },
      { name: 'uscc', kind: 'text' },
      { name: 'industry', kind: 'industry' },
      { name: 'kind', kind: 'enum', enumName: 'enterpriseKind', required: true },
      { name: 'status', kind: 'enum', enumName: 'enterpriseStatus', required: true },
      { name: 'building', kind: 'text' },
      { name: 'unit', kind: 'text' },
      { name: 'area_m2', kind: 'number' },
      { name: 'entry_date', kind: 'date' },
      { name: 'exit_date', kind: 'date' },
      { name: 'founded_date', kind: 'date' },
      { name: 'registered_capital', kind: 'money' },
      { name: 'headcount', kind: 'number' },
      { name: 'revenue', kind: 'money' },
      { name: 'revenue_prev', kind: 'money' },
      { name: 'tax', kind: 'money' },
      { name: 'rd_spend', kind: 'money' },
      { name: 'patents', kind: 'number' },
      { name: 'software_copyrights', kind: 'number' },
      { name: 'listed_or_acquired', kind: 'bool' },
      { name: 'qualifications', kind: 'qualifications', wide: true },
      { name: 'contacts', kind: 'contacts', wide: true },
      { name: 'tags', kind: 'tags', wide: true },
      { name: 'notes', kind: 'textarea', wide: true },
    ],
    defaults: () => ({ kind: 'startup', status: 'settled', entry_date: new Date().toISOString().slice(0, 10) }),
  },
  incubations: {
    area: 'incubations',
    nameOf: (r) => String(r.enterprise_name ?? r.team_name ?? ''),
    moneyColumns: [],
    routeFilters: ['stage', 'cohort'],
    watch: ['incubations', 'enterprises', 'staff'],
    columns: (t, locale) => [
      { colId: 'name', headerName: t('field.incubatee'), filter: 'agTextColumnFilter', pinned: 'left', width: 260, valueGetter: (p) => (p.data ? String(p.data.enterprise_name ?? p.data.team_name ?? '') : '') },
      textCol('cohort', t, { sortable: true, editable: true, width: 110 }),
      enumCol('stage', 'incubationStage', t, { editable: true, cellEditor: 'agSelectCellEditor', cellEditorParams: { values: ['applied', 'screening', 'admitted', 'incubating', 'graduated', 'terminated'] } }),
      textCol('mentor_name', t, { width: 120, ...pickListFilter<Row>({ staffRole: 'mentor' }) }),
      dateCol('applied_date', t, locale),
      dateCol('admitted_date', t, locale),
      dateCol('exit_date', t, locale, { headerName: t('field.incubation_exit_date'), width: 150 }),
      dateCol('agreement_end', t, locale),
      dateCol('updated_at', t, locale, { filter: false }),
    ],
    fields: [
      { name: 'enterprise_id', kind: 'enterprise', wide: true },
      { name: 'team_name', kind: 'text', wide: true },
      { name: 'cohort', kind: 'text' },
      { name: 'stage', kind: 'enum', enumName: 'incubationStage', required: true },
      { name: 'mentor_id', kind: 'staff', role: 'mentor' },
      { name: 'applied_date', kind: 'date' },
      { name: 'admitted_date', kind: 'date' },
      { name: 'exit_date', kind: 'date', labelKey: 'field.incubation_exit_date' },
      { name: 'agreement_start', kind: 'date' },
      { name: 'agreement_end', kind: 'date' },
      { name: 'notes', kind: 'textarea', wide: true },
    ],
    defaults: () => ({ stage: 'applied', applied_date: new Date().toISOString().slice(0, 10), cohort: `${new Date().getFullYear()}届` }),
  },
  leads: {
    area: 'leads',
    nameOf: (r) => String(r.company ?? ''),
    moneyColumns: ['intended_investment'],
    routeFilters: ['stage', 'source', 'industry'],
    watch: ['leads', 'staff'],
    columns: (t, locale) => [
      textCol('company', t, { sortable: true, editable: true, pinned: 'left', width: 260 }),
      enumCol('stage', 'leadStage', t),
      enumCol('source', 'leadSource', t, { width: 130 }),
      enumCol('industry', 'industry', t, { width: 140 }),
      moneyCol('intended_investment', t, locale),
      numberCol('expected_area_m2', t, locale),
      textCol('owner_name', t, { width: 110, ...pickListFilter<Row>({ staffRole: 'investment' }) }),
      dateCol('next_follow_up', t, locale),
      numberCol('probability', t, locale, { editable: true, width: 110 }),
      textCol('lost_reason', t, { width: 160 }),
      textCol('uscc', t, { sortable: true, width: 200 }),
      dateCol('updated_at', t, locale, { filter: false }),
    ],
    fields: [
      { name: 'company', kind: 'text', required: true, wide: true },
      { name: 'uscc', kind: 'text' },
      { name: 'source', kind: 'enum', enumName: 'leadSource', required: true },
      { name: 'industry', kind: 'industry' },
      { name: 'stage', kind: 'enum', enumName: 'leadStage', required: true },
      { name: 'intended_investment', kind: 'money' },
      { name: 'expected_area_m2', kind: 'number' },
      { name: 'owner_id', kind: 'staff', role: 'investment' },
      { name: 'next_follow_up', kind: 'date' },
      { name: 'probability', kind: 'number' },
      { name: 'lost_reason', kind: 'text', wide: true },
      { name: 'notes', kind: 'textarea', wide: true },
    ],
    defaults: () => ({ stage: 'promoted', source: 'referral', probability: 10 }),
  },
  targets: {
    area: 'targets',
    nameOf: (r) => String(r.name ?? ''),
    moneyColumns: [],
    routeFilters: [],
    // Progress is computed from every registry.
    watch: 'all',
    columns: (t, locale) => [
      textCol('name', t, { headerName: t('field.target_name'), sortable: true, pinned: 'left', width: 300 }),
      textCol('plan_name', t, { width: 260 }),
      { field: 'value', headerName: t('field.value'), type: 'rightAligned', width: 110, valueFormatter: ((p) => formatNumber(p.value as number, locale, 0)) as Fmt },
      { colId: 'range', headerName: `${t('field.min_value')}–${t('field.max_value')}`, width: 130, valueGetter: (p) => (!p.data ? '' : p.data.max_value == null ? `≥ ${String(p.data.min_value ?? 0)}` : `${String(p.data.min_value ?? '–')}–${String(p.data.max_value)}`) },
      textCol('unit', t, { headerName: t('field.unit_of_measure'), width: 80 }),
      { field: 'status', headerName: t('field.target_status'), width: 110, valueFormatter: ((p) => (p.value ? t(`targetStatus.${String(p.value)}`) : '')) as Fmt, cellClass: (p) => `status-${String(p.value)}` },
      dateCol('deadline', t, locale),
      dateCol('done_date', t, locale, { filter: false }),
    ],
    fields: [
      { name: 'name', kind: 'text', required: true, wide: true, labelKey: 'field.target_name' },
      { name: 'name_en', kind: 'text', wide: true },
      { name: 'plan_id', kind: 'plan', required: true, labelKey: 'field.plan_name' },
      { name: 'unit', kind: 'text', required: true, labelKey: 'field.unit_of_measure' },
      { name: 'baseline', kind: 'number' },
      { name: 'min_value', kind: 'number' },
      { name: 'max_value', kind: 'number' },
      { name: 'deadline', kind: 'date', required: true },
      { name: 'done_date', kind: 'date' },
      { name: 'measure', kind: 'measure', wide: true, required: true },
      { name: 'evidence', kind: 'textarea', wide: true },
    ],
    defaults: () => ({ unit: '家', measure: { kind: 'count', entity: 'enterprises', where: {}, dateField: 'entry_date' } }),
  },
};
