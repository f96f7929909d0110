import { useTranslation } from 'react-i18next';

/** A report period as the core names it: 2020, 2020-Q4 or 2020-12. */
export type Granularity = 'year' | 'quarter' | 'month';

export function periodText(g: Granularity, year: number, part: number): string {
  return g === 'year' ? String(year) : g === 'quarter' ? `${year}-Q${part}` : `${year}-${String(part).padStart(2, '0')}`;
}

/**
 * Year / quarter / month, chosen rather than typed: a Chinese office no longer has to guess the
 * "2020-Q4" spelling. Years run from the first year of data to the current one.
 */
export function PeriodPicker({ granularity, year, part, years, onChange, yearOnly }: {
  granularity: Granularity; year: number; part: number; years: number[]; yearOnly?: boolean;
  onChange: (next: { granularity: Granularity; year: number; part: number }) => void;
}) {
  const { t } = useTranslation();
  const g = yearOnly ? 'year' : granularity;
  return (
    <span className="period-picker">
      {!yearOnly && (
        <select aria-label={t('reports.granularity')} value={g} onChange={(e) => onChange({ granularity: e.target.value as Granularity, year, part: e.target.value === 'quarter' ? Math.min(part, 4) : part })}>
          <option value="year">{t('reports.year')}</option>
          <option value="quarter">{t('reports.quarter')}</option>
          <option value="month">{t('reports.month')}</option>
        </select>
      )}
      <select aria-label={t('reports.yearOf')} value={year} onChange={(e) => onChange({ granularity: g, year: Number(e.target.value), part })}>
        {years.map((y) => <option key={y} value={y}>{y}</option>)}
      </select>
      {g === 'quarter' && (
        <select aria-label={t('reports.quarter')} value={part} onChange={(e) => onChange({ granularity: g, year, part: Number(e.target.value) })}>
          {[1, 2, 3, 4].map((q) => <option key={q} value={q}>{t('reports.quarterN', { n: q })}</option>)}
        </select>
      )}
      {g === 'month' && (
        <select aria-label={t('reports.month')} value={part} onChange={(e) => onChange({ granularity: g, year, part: Number(e.target.value) })}>
          {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => <option key={m} value={m}>{t('reports.monthN', { n: m })}</option>)}
        </select>
      )}
    </span>
  );
}
