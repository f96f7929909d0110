import type { TFunction } from 'i18next';

/**
 * Names that have an English form: targets (`name_en`) and the seeded plans (`plan_name_en`, from the
 * core). English mode shows it where there is one; anything else is the office's own text.
 */
export function localName(locale: string, name: string, nameEn: string | null | undefined): string {
  return locale === 'en' && nameEn ? nameEn : name;
}

/**
 * A target's unit of measure in the UI language. Units are Chinese measure words (家, 项…): English
 * has words for the known ones (`unit.*`, plural by count); a unit the office typed shows as typed.
 */
export function unitText(t: TFunction, locale: string, unit: string, count?: number | null): string {
  if (locale !== 'en' || !unit) return unit;
  return t(`unit.${unit}`, { count: count ?? 2, defaultValue: unit });
}
