import type { TFunction } from 'i18next';

/** A target's measure as the registry shows it in words (history, never JSON or "[object Object]"). */
interface MeasureLike {
  kind?: unknown;
  entity?: unknown;
  field?: unknown;
  where?: unknown;
  dateField?: unknown;
}

/** Where a measure filter's value labels live: the measure editor offers these as its choices too. */
export const MEASURE_FILTER_ENUM: Record<string, string> = { kind: 'enterpriseKind', status: 'enterpriseStatus', source: 'leadSource', industry: 'industry' };

/** The words for a measure's date field: a record field, or the day a stage was reached. */
export function measureDateLabel(t: TFunction, stageEnum: string, d: string): string {
  return d.startsWith('stage:') ? t('measure.reachedStage', { stage: t(`enum.${stageEnum}.${d.slice(6)}`, { defaultValue: d.slice(6) }) }) : t(`field.${d}`, { defaultValue: d });
}

export function measureText(t: TFunction, m: MeasureLike, staffName: (id: string) => string | undefined): string {
  const kind = String(m.kind ?? '');
  if (kind === 'milestone' || !m.entity) return t(`measureKind.${kind}`, { defaultValue: kind });
  const entity = String(m.entity);
  const stageEnum = entity === 'leads' ? 'leadStage' : 'incubationStage';
  const valueLabel = (filter: string, v: string) => {
    if (filter === 'owner_id' || filter === 'mentor_id') return staffName(v) ?? v;
    if (filter === 'stage') return t(`enum.${stageEnum}.${v}`, { defaultValue: v });
    const source = MEASURE_FILTER_ENUM[filter];
    return source ? t(`enum.${source}.${v}`, { defaultValue: v }) : v;
  };
  const parts = [t(`measureKind.${kind}`, { defaultValue: kind }), t(`nav.${entity}`, { defaultValue: entity })];
  if (typeof m.field === 'string') parts.push(t(`field.${m.field}`, { defaultValue: m.field }));
  const where = m.where && typeof m.where === 'object' ? Object.entries(m.where as Record<string, unknown>) : [];
  for (const [filter, values] of where) {
    const list = (Array.isArray(values) ? values : [values]).map((v) => valueLabel(filter, String(v)));
    if (list.length) parts.push(`${t(`field.${filter}`, { defaultValue: filter })}: ${list.join(t('common.listSep'))}`);
  }
  if (typeof m.dateField === 'string') {
    parts.push(`${t('measure.dateField')}: ${measureDateLabel(t, stageEnum, m.dateField)}`);
  }
  return parts.join(' · ');
}
