import type { TFunction } from 'i18next';
import { registries, type Area, type FieldDef } from '../pages/registries';
import { formatDate, formatWan } from './format';

/**
 * A stored value as a person reads it (money as a number of 万元, enum codes as labels, dates in the UI's
 * language), shared by the history panel and the review queue.
 */
export function showValue(t: TFunction, locale: string, field: FieldDef | undefined, v: unknown): string {
  if (v == null || v === '' || (Array.isArray(v) && v.length === 0)) return '∅';
  // Shown after the field's label, which names its unit (万元, registry/field.ts): the number alone.
  if (field?.kind === 'money') return formatWan(v as number, locale);
  if (field?.kind === 'enum') return t(`enum.${field.enumName}.${String(v)}`);
  if (field?.kind === 'industry') return t(`enum.industry.${String(v)}`);
  if (field?.kind === 'date') return formatDate(String(v), locale);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The form field of `table.field` when the table is a registry (enterprises, leads, …). */
export function fieldOf(table: string, field: string): FieldDef | undefined {
  return Object.hasOwn(registries, table) ? registries[table as Area]?.fields.find((f) => f.name === field) : undefined;
}

/** The label of a field: the registry's own, else the shared `field.*` key, else its name. */
export function fieldLabel(t: TFunction, table: string, field: string): string {
  const def = fieldOf(table, field);
  return t(def?.labelKey ?? `field.${field}`, { defaultValue: field });
}
