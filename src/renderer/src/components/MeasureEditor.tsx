import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useCoreData } from '../lib/useCoreData';
import { ErrorBanner } from './ErrorBanner';
import { MEASURE_FILTER_ENUM, measureDateLabel } from '../lib/measureText';

type Measurable = Awaited<ReturnType<(typeof api)['targets.measurable']>>;
type Entity = 'enterprises' | 'incubations' | 'leads';
interface Measure {
  kind: 'count' | 'sum' | 'milestone';
  entity?: Entity;
  field?: string;
  where?: Record<string, string[]>;
  dateField?: string;
}

/**
 * Edits a target's metric definition as choices, not JSON: what to count or sum, which records
 * (filters), and which date places a record in the plan window. The core validates it on save.
 */
export function MeasureEditor({ id, value, onChange }: { id: string; value: string; onChange: (json: string) => void }) {
  const { t } = useTranslation();
  const measurable = useCoreData(() => api['targets.measurable']({}), [], ['pipeline_stages']);
  const allowed: Measurable | null = measurable.data;
  const staff = useCoreData(() => api['staff.list']({}), [], ['staff']).data ?? [];
  const industries = useCoreData(() => api['industries.list']({}), [], ['industries']).data ?? [];

  let m: Measure;
  try {
    m = JSON.parse(value || '{"kind":"milestone"}') as Measure;
  } catch {
    m = { kind: 'milestone' };
  }
  const set = (next: Measure) => onChange(JSON.stringify(next));
  if (measurable.error) return <ErrorBanner error={measurable.error} />;
  if (!allowed) return <p className="muted" id={id}>{t('common.loading')}</p>;

  const entity: Entity = m.entity ?? 'enterprises';
  const spec = allowed[entity];
  const dateChoices = [...spec.dates, ...(entity === 'enterprises' ? [] : allowed.stages[entity].map((s) => `stage:${s}`))];
  const stageEnum = entity === 'leads' ? 'leadStage' : 'incubationStage';
  const choices = (filter: string): { value: string; label: string }[] => {
    if (filter === 'industry') return industries.map((i) => ({ value: i.id, label: t(`enum.industry.${i.id}`) }));
    if (filter === 'owner_id') return staff.map((s) => ({ value: s.id, label: s.name }));
    if (filter === 'stage') return allowed.stages[entity as 'leads' | 'incubations'].map((s) => ({ value: s, label: t(`enum.${stageEnum}.${s}`) }));
    // Choices from an enum (industries came from their list above, staff and stages from theirs).
    const source = MEASURE_FILTER_ENUM[filter];
    if (source) return Object.keys(t(`enum.${source}`, { returnObjects: true }) as Record<string, string>).map((c) => ({ value: c, label: t(`enum.${source}.${c}`) }));
    return [];
  };
  const dateLabel = (d: string) => measureDateLabel(t, stageEnum, d);
  const changeEntity = (next: Entity) => set({ kind: m.kind, entity: next, where: {}, dateField: allowed[next].dates[0] ?? `stage:${allowed.stages[next as 'leads'][0]}`, ...(m.kind === 'sum' ? { field: allowed[next].sums[0] } : {}) });

  return (
    <div className="measure-editor" id={id}>
      <div className="measure-row">
        <select aria-label={t('measure.kind')} value={m.kind} onChange={(e) => {
          const kind = e.target.value as Measure['kind'];
          if (kind === 'milestone') return set({ kind });
          set({ kind, entity, where: m.where ?? {}, dateField: m.dateField ?? spec.dates[0] ?? dateChoices[0], ...(kind === 'sum' ? { field: m.field ?? spec.sums[0] } : {}) });
        }}>
          {(['count', 'sum', 'milestone'] as const).map((k) => <option key={k} value={k}>{t(`measureKind.${k}`)}</option>)}
        </select>
        {m.kind !== 'milestone' && (
          <>
            <select aria-label={t('measure.entity')} value={entity} onChange={(e) => changeEntity(e.target.value as Entity)}>
              {(['enterprises', 'incubations', 'leads'] as const).map((x) => <option key={x} value={x}>{t(`nav.${x}`)}</option>)}
            </select>
            {m.kind === 'sum' && (
              <select aria-label={t('measure.field')} value={m.field} onChange={(e) => set({ ...m, field: e.target.value })}>
                {spec.sums.map((f) => <option key={f} value={f}>{t(`field.${f}`)}</option>)}
              </select>
            )}
            <select aria-label={t('measure.dateField')} value={m.dateField} onChange={(e) => set({ ...m, dateField: e.target.value })}>
              {dateChoices.map((d) => <option key={d} value={d}>{dateLabel(d)}</option>)}
            </select>
          </>
        )}
      </div>
      {m.kind !== 'milestone' && spec.filters.map((filter) => {
        const options = choices(filter);
        const selected = m.where?.[filter] ?? [];
        const toggle = (v: string) => {
          const next = selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v];
          const where = { ...(m.where ?? {}) };
          if (next.length) where[filter] = next;
          else delete where[filter];
          set({ ...m, where });
        };
        return (
          <fieldset key={filter} className="chips">
            <legend>{t(`field.${filter}`)} <span className="muted small">{selected.length ? '' : t('measure.any')}</span></legend>
            {options.length ? options.map((o) => (
              <label key={o.value} className={selected.includes(o.value) ? 'chip on' : 'chip'}>
                <input type="checkbox" checked={selected.includes(o.value)} onChange={() => toggle(o.value)} />
                {o.label}
              </label>
            )) : (
              <input aria-label={t(`field.${filter}`)} placeholder={t('measure.commaList')} defaultValue={selected.join(',')} onBlur={(e) => {
                const where = { ...(m.where ?? {}) };
                const list = e.target.value.split(/[,，]/).map((x) => x.trim()).filter(Boolean);
                if (list.length) where[filter] = list;
                else delete where[filter];
                set({ ...m, where });
              }} />
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
