import plan from '../../../seeds/plan.json';

/**
 * English names of plans and units, for English mode and English reports.
 *
 * A plan has one name, the one the office gave it. The plans ParkPilot seeds (seeds/plan.json) come
 * with an English title, kept there: a seeded plan shows it in English for as long as it keeps its
 * seeded name. A plan the office created or renamed is the office's own text and shows as typed.
 */
const seededPlanNames = new Map<string, string>(plan.plans.map((p) => [p.name, p.name_en]));

export function planNameEn(name: string): string | null {
  return seededPlanNames.get(name) ?? null;
}

/** A target's or plan's name in the locale: the English name where there is one, else the name. */
export function localName(locale: string, name: string, nameEn: string | null | undefined): string {
  return locale === 'en' && nameEn ? nameEn : name;
}

/**
 * Units of measure in English (the renderer has the same words in its i18n bundle, `unit.*`). The
 * units plan targets use are Chinese measure words; one the office typed that is not here shows as typed.
 */
const unitsEn: Record<string, readonly [one: string, other: string]> = {
  家: ['company', 'companies'],
  项: ['item', 'items'],
  个: ['', ''],
  件: ['item', 'items'],
  人: ['person', 'people'],
  名: ['person', 'people'],
  次: ['time', 'times'],
  万元: ['10k CNY', '10k CNY'],
  亿元: ['100m CNY', '100m CNY'],
  元: ['CNY', 'CNY'],
};

export function unitLabel(unit: string, locale: string, count?: number | null): string {
  if (locale !== 'en') return unit;
  const words = unitsEn[unit];
  return words ? words[count === 1 ? 0 : 1] : unit;
}

/** Every word a unit is shown as (the stored unit, its English forms): what the grid's filter matches. */
export function unitWords(unit: string): string[] {
  return [unit, ...(unitsEn[unit] ?? [])].filter(Boolean);
}
