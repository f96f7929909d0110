import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import i18next, { type TFunction } from 'i18next';
import type { EnumName } from '../../../core/enums';
import type { FieldMeta } from '../../../core/registry/derive';
import type { FieldType } from '../../../core/registry/field';
import { api } from '../api/client';
import { pickListFilter } from '../components/grid/pickColumn';
import { formatDate, formatNumber, formatWan } from '../lib/format';
import { takePrefetched } from '../lib/prefetch';
import { localName, unitText } from '../lib/names';
import type { Watch } from '../lib/useCoreData';

/**
 * What each registry page shows: its grid columns and its form fields. The enterprises, leads and
 * incubations pages build them from the core's field registries (`meta.fields`, loaded at start);
 * only presentation choices (a record's title, new-record defaults, the drawer's tabs) live here.
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
  /** A new record's values; dates are `day`, the database's today (lib/databaseDay.ts), when known. */
  defaults: (day: string | null) => Record<string, unknown>;
  /** Columns whose filter values the user types in 万元 and the core compares in yuan. */
  moneyColumns: string[];
  /** Filter set when arriving with `?key=value` in the address (e.g. from the Overview). */
  routeFilters: string[];
  /** The tables the grid shows data of: a change to one of them refreshes it. */
  watch: Watch;
}

type Fmt = (p: ValueFormatterParams<Row>) => string;
const textCol = (field: string, t: TFunction, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({ field, headerName: t(`field.${field}`), filter: 'agTextColumnFilter', ...extra });
/**
 * Wide enough for "2017年10月15日" and for the date filter under the header to show a whole date beside its
 * button, once the filter's search icon is gone (styles.css); 205 px pushed columns off screen at 1024 px.
 */
const DATE_COLUMN_WIDTH = 168;
const dateCol = (field: string, t: TFunction, locale: string, extra: Partial<ColDef<Row>> = {}): ColDef<Row> => ({
  field, headerName: t(`field.${field}`), filter: 'agDateColumnFilter', sortable: true,
  valueFormatter: ((p) => formatDate(p.value as string, locale)) as Fmt, ...extra,
  width: Math.max(DATE_COLUMN_WIDTH, extra.width ?? 0),
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

const FORM_KIND: Record<FieldType, FieldKind> = {
  text: 'text', uscc: 'text', longText: 'textarea', int: 'number', number: 'number', money: 'money', date: 'date', bool: 'bool',
  enum: 'enum', stage: 'enum', industry: 'industry', staff: 'staff', enterprise: 'enterprise', plan: 'plan',
  tags: 'tags', json: 'json', measure: 'measure', qualifications: 'qualifications', contacts: 'contacts',
};

const STAFF_COLUMNS: Record<string, 'investment' | 'mentor'> = { owner_name: 'investment', mentor_name: 'mentor' };

/** A grid column from a registry field: its filter, format and editing follow the field's type. */
function columnOf(area: Area, f: FieldMeta, t: TFunction, locale: string): ColDef<Row> {
  const grid = f.grid!;
  const extra: Partial<ColDef<Row>> = {
    headerName: t(`fields.${area}.${f.name}`),
    ...(grid.sortable ? { sortable: true } : {}),
    ...(grid.editable ? { editable: true } : {}),
    ...(grid.width ? { width: grid.width } : {}),
    ...(grid.pinned ? { pinned: grid.pinned } : {}),
    ...(grid.filter === false ? { filter: false } : {}),
  };
  if (f.type === 'date') return dateCol(f.name, t, locale, extra);
  if (f.type === 'money') return { ...moneyCol(f.name, t, locale), ...extra };
  if (f.type === 'int' || f.type === 'number') return numberCol(f.name, t, locale, extra);
  if (f.enum) {
    const select = grid.editable && f.enum.codes ? { cellEditor: 'agSelectCellEditor', cellEditorParams: { values: f.enum.codes } } : {};
    return enumCol(f.name, f.enum.name, t, { ...extra, ...select });
  }
  if (f.type === 'industry') return enumCol(f.name, 'industry', t, { width: 140, ...extra });
  // Staff names shown beside a staff reference: a pick list of the people of that role.
  const staffRole = STAFF_COLUMNS[f.name];
  if (staffRole) return textCol(f.name, t, { ...extra, ...pickListFilter<Row>({ staffRole }) });
  return textCol(f.name, t, extra);
}

/** A registry area's page from its fields (shown columns in registry order, form fields, money filters). */
function fromRegistry(area: Area, metas: FieldMeta[], page: Pick<RegistryConfig, 'nameOf' | 'defaults' | 'watch'>): RegistryConfig {
  const shown = metas.filter((f) => f.grid);
  return {
    area,
    ...page,
    columns: (t, locale) => shown.map((f) => columnOf(area, f, t, locale)),
    fields: metas.filter((f) => f.form).map((f) => ({
      name: f.name,
      kind: FORM_KIND[f.type],
      labelKey: `fields.${area}.${f.name}`,
      ...(f.enum ? { enumName: f.enum.name } : {}),
      ...(f.form?.role ? { role: f.form.role } : {}),
      ...(f.required ? { required: true } : {}),
      ...(f.form?.wide ? { wide: true } : {}),
    })),
    moneyColumns: shown.filter((f) => f.type === 'money').map((f) => f.name),
    // Links (e.g. from the Overview) may filter any shown column a text or date filter can take.
    routeFilters: shown.filter((f) => f.grid!.filter === 'text' || f.grid!.filter === 'date').map((f) => f.name),
  };
}

const registryPages = {
  enterprises: {
    nameOf: (r: Row) => String(r.name ?? ''),
    defaults: (day) => ({ kind: 'startup', status: 'settled', entry_date: day }),
    watch: ['enterprises'],
  },
  incubations: {
    nameOf: (r: Row) => String(r.enterprise_name ?? r.team_name ?? ''),
    defaults: (day) => ({ stage: 'applied', applied_date: day, cohort: day ? `${day.slice(0, 4)}届` : null }),
    watch: ['incubations', 'enterprises', 'staff'],
  },
  leads: {
    nameOf: (r: Row) => String(r.company ?? ''),
    defaults: () => ({ stage: 'promoted', source: 'referral', probability: 10 }),
    watch: ['leads', 'staff'],
  },
} satisfies Record<string, Pick<RegistryConfig, 'nameOf' | 'defaults' | 'watch'>>;

/** Reads the field registries from the core and builds the pages; labels go to i18n as `fields.<area>.<name>`. */
export async function loadRegistries(): Promise<void> {
  const metas = await takePrefetched('meta.fields', () => api['meta.fields']({}));
  const labels = (i: 0 | 1) => Object.fromEntries(Object.entries(metas).map(([area, fields]) => [area, Object.fromEntries(fields.map((f) => [f.name, f.label[i]]))]));
  i18next.addResourceBundle('zh-CN', 'translation', { fields: labels(0) }, true, true);
  i18next.addResourceBundle('en', 'translation', { fields: labels(1) }, true, true);
  for (const area of ['enterprises', 'incubations', 'leads'] as const) registries[area] = fromRegistry(area, metas[area], registryPages[area]);
}

/** The pages; the registry areas are filled in by `loadRegistries` before the app renders. */
export const registries: Partial<Record<Area, RegistryConfig>> & Pick<Record<Area, RegistryConfig>, 'targets'> = {
  targets: {
    area: 'targets',
    nameOf: (r) => localName(i18next.language, String(r.name ?? ''), r.name_en as string | null),
    moneyColumns: [],
    routeFilters: [],
    // Progress is computed from every registry.
    watch: 'all',
    columns: (t, locale) => [
      // English mode shows a target's and a seeded plan's English names; sorting and filtering stay on the name.
      textCol('name', t, { headerName: t('field.target_name'), sortable: true, pinned: 'left', width: 300, valueFormatter: ((p) => (p.data ? localName(locale, String(p.value ?? ''), p.data.name_en as string | null) : '')) as Fmt }),
      textCol('plan_name', t, { width: 260, valueFormatter: ((p) => (p.data ? localName(locale, String(p.value ?? ''), p.data.plan_name_en as string | null) : '')) as Fmt }),
      // A milestone is done or not (its value 1 or 0, its range 1–1): shown as the Overview shows it.
      { field: 'value', headerName: t('field.value'), type: 'rightAligned', width: 110, valueFormatter: ((p) => (p.data?.kind === 'milestone' ? (p.value ? '✓' : '—') : formatNumber(p.value as number, locale, 0))) as Fmt },
      { colId: 'range', headerName: `${t('field.min_value')}–${t('field.max_value')}`, width: 130, valueGetter: (p) => (!p.data ? '' : p.data.kind === 'milestone' ? t('overview.milestone') : p.data.max_value == null ? `≥ ${String(p.data.min_value ?? 0)}` : `${String(p.data.min_value ?? '–')}–${String(p.data.max_value)}`) },
      textCol('unit', t, { headerName: t('field.unit_of_measure'), width: 120, valueFormatter: ((p) => (p.data ? unitText(t, locale, String(p.value ?? ''), p.data.max_value as number | null) : '')) as Fmt }),
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
