import { z } from 'zod';
import type { EnumName } from '../enums';
import { count, enumOf, longText, optionalDate, optionalId, requiredText, shortText, yuan } from '../fields';

/**
 * One declaration per field. An area lists its fields once, in the order people read them, and the
 * table spec (storage kinds), the input schema, the grid view, the import mapping, the export view
 * and the renderer's columns and form are derived from that list (see ./derive.ts and `meta.fields`).
 * This module is a leaf (zod and the shared field schemas only), so tables.ts can derive from it.
 */
export type FieldType =
  | 'text' | 'longText' | 'uscc' | 'date' | 'money' | 'int' | 'number' | 'bool'
  | 'enum' | 'stage' | 'industry' | 'staff' | 'enterprise' | 'plan'
  | 'tags' | 'json' | 'qualifications' | 'contacts' | 'measure';

/** Labels in both UI languages: [zh-CN, en]. */
export type Label = readonly [string, string];

export interface GridSpec {
  /** Shown as a grid column (default); `false` keeps it filterable and sortable (links, exports) but hidden. */
  show?: boolean;
  sortable?: boolean;
  /** Editable in the grid cell (inline save through `<area>.update`). */
  editable?: boolean;
  width?: number;
  pinned?: 'left';
  /** No filter in the grid (e.g. the last-changed stamp). */
  noFilter?: boolean;
}

/** A stored field: a column of the area's table that people enter. */
export interface StoredField<S extends z.ZodType = z.ZodType> {
  kind: 'stored';
  type: FieldType;
  label: Label;
  /** The unit the value is shown and typed in, appended to the label: money is always 万元. */
  unit?: Label;
  enum?: EnumName;
  required?: boolean;
  /** Input schema (strict validation at every transport). */
  schema: S;
  /** Header synonyms an import recognises, besides the labels; absent: not importable. */
  import?: readonly string[];
  /** In the default export (CLI) and its column order; default true when importable. */
  export?: boolean;
  grid?: GridSpec;
  form?: { wide?: boolean; role?: string; hidden?: boolean };
}

/** A read-only column a view computes (a join, a stamp): shown and exported, never written. */
export interface ViewField {
  kind: 'view';
  type: FieldType;
  label: Label;
  unit?: Label;
  /** The SQL expression over the area's grid FROM clause. */
  sql: string;
  enum?: EnumName;
  /** A name column over a closed list (staff): filtered as a pick list of the names. */
  pickList?: 'staff';
  export?: boolean;
  grid?: GridSpec;
}

export type FieldSpec = StoredField | ViewField;
export type Registry = Record<string, FieldSpec>;

type Options = Omit<StoredField, 'kind' | 'type' | 'label' | 'schema' | 'required'>;
const MONEY_UNIT: Label = ['万元', '10k CNY'];

const stored = <S extends z.ZodType>(type: FieldType, label: Label, schema: S, options: Options & { required?: boolean } = {}): StoredField<S> => ({
  kind: 'stored', type, label, schema, ...(type === 'money' ? { unit: MONEY_UNIT } : {}), ...options,
});

/** Field builders: each gives its field a type, a storage kind and the schema the type implies. */
export const field = {
  text: (label: Label, o: Options = {}) => stored('text', label, shortText, o),
  requiredText: (label: Label, o: Options = {}) => stored('text', label, requiredText, { ...o, required: true }),
  longText: (label: Label, o: Options = {}) => stored('longText', label, longText, o),
  uscc: (label: Label, o: Options = {}) => stored('uscc', label, z.string().max(40).nullish(), o),
  date: (label: Label, o: Options = {}) => stored('date', label, optionalDate, o),
  money: (label: Label, o: Options = {}) => stored('money', label, yuan, o),
  int: (label: Label, o: Options = {}) => stored('int', label, count, o),
  percent: (label: Label, o: Options = {}) => stored('int', label, z.number().int().min(0).max(100).nullish(), { unit: ['%', '%'], ...o }),
  area: (label: Label, o: Options = {}) => stored('number', label, z.number().min(0).max(1e7).nullish(), { unit: ['㎡', 'm²'], ...o }),
  bool: (label: Label, o: Options = {}) => stored('bool', label, z.number().int().min(0).max(1).nullish(), o),
  enum: <E extends EnumName>(name: E, label: Label, o: Options = {}) => stored('enum', label, enumOf(name), { ...o, enum: name, required: true }),
  /** A lead stage: the codes are this database's pipeline (checked by the rules, not the schema). */
  stage: (label: Label, o: Options = {}) => stored('stage', label, z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), { ...o, required: true }),
  industry: (label: Label, o: Options = {}) => stored('industry', label, z.string().max(40).nullish(), o),
  staff: (label: Label, role: string, o: Options = {}) => stored('staff', label, optionalId, { ...o, form: { role, ...o.form } }),
  enterprise: (label: Label, o: Options = {}) => stored('enterprise', label, optionalId, o),
  /** A field whose value needs its own schema (lists, objects); `type` says how it is shown. */
  custom: <S extends z.ZodType>(type: FieldType, label: Label, schema: S, o: Options = {}) => stored(type, label, schema, o),
  view: (type: FieldType, label: Label, sql: string, o: Omit<ViewField, 'kind' | 'type' | 'label' | 'sql'> = {}): ViewField => ({ kind: 'view', type, label, sql, ...o }),
};

/** The stored fields of a registry, as a type (for the input schema and the row type). */
export type StoredOf<R extends Registry> = { [K in keyof R as R[K] extends StoredField ? K : never]: R[K] extends StoredField<infer S> ? S : never };
/** The row a registry's table holds, as it reads back (JSON decoded), plus the columns every table has. */
export type RowOf<R extends Registry> = { [K in keyof StoredOf<R>]: StoredOf<R>[K] extends z.ZodType ? Exclude<z.output<StoredOf<R>[K]>, undefined> : never } & BaseRow;
// A type, not an interface: rows stay assignable to Record<string, unknown> (generic screens, the write path).
export type BaseRow = {
  id: string;
  created_at: string;
  updated_at: string;
  deleted: number;
};

/** The label with its unit, as the form, the grid header and the export header show it. */
export function fullLabel(spec: FieldSpec, locale: 0 | 1): string {
  const label = spec.label[locale];
  if (!spec.unit) return label;
  return locale === 0 ? `${label}（${spec.unit[0]}）` : `${label} (${spec.unit[1]})`;
}

/** How each field type is stored (tables.ts): the write path normalises values by this. */
const STORAGE: Record<FieldType, 'text' | 'int' | 'real' | 'json'> = {
  text: 'text', longText: 'text', uscc: 'text', date: 'text', enum: 'text', stage: 'text', industry: 'text', staff: 'text', enterprise: 'text', plan: 'text',
  money: 'int', int: 'int', bool: 'int', number: 'real',
  tags: 'json', json: 'json', qualifications: 'json', contacts: 'json', measure: 'json',
};

/** The table columns of a registry's stored fields, with their storage kinds. */
export function storageOf<R extends Registry>(registry: R): { readonly [K in keyof StoredOf<R>]: 'text' | 'int' | 'real' | 'json' } {
  const out: Record<string, 'text' | 'int' | 'real' | 'json'> = {};
  for (const [name, spec] of Object.entries(registry)) if (spec.kind === 'stored') out[name] = STORAGE[spec.type];
  return out as { [K in keyof StoredOf<R>]: 'text' | 'int' | 'real' | 'json' };
}

/** The input schema's shape: every stored field with its schema (create; update takes it partial). */
export function inputShape<R extends Registry>(registry: R): StoredOf<R> {
  const out: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(registry)) if (spec.kind === 'stored') out[name] = spec.schema;
  return out as StoredOf<R>;
}
