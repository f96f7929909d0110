import type { Db } from '../db/open';
import type { Row } from '../db/write';

/**
 * Rules of the national incubator regulations (科技企业孵化器管理办法, 2018) that ParkPilot checks and
 * shows as warnings rather than enforcing: a startup admitted when older than 24 months, and an
 * incubation longer than 48 months; plus the graduation criteria as a checklist (any one suffices).
 */
export const MAX_AGE_AT_ADMISSION_MONTHS = 24;
export const MAX_INCUBATION_MONTHS = 48;
export const GRADUATION_FINANCING_YUAN = 5_000_000;
export const GRADUATION_REVENUE_TWO_YEARS_YUAN = 10_000_000;

export type IncubationWarning =
  | { code: 'age_at_admission'; months: number }
  | { code: 'incubated_too_long'; months: number };

export interface GraduationChecklist {
  highTech: boolean;
  financingRaised: number;
  financingOk: boolean;
  revenueTwoYears: number | null;
  revenueOk: boolean;
  listedOrAcquired: boolean;
  anyMet: boolean;
}

/** Whole months from one ISO date to another (day of month respected). */
export function monthsBetween(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = to.split('-').map(Number) as [number, number, number];
  return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

export function assessIncubation(db: Db, incubation: Row, asOf: string): { warnings: IncubationWarning[]; checklist: GraduationChecklist } {
  const enterprise = incubation.enterprise_id
    ? (db.prepare('SELECT founded_date, revenue, revenue_prev, qualifications, listed_or_acquired FROM enterprises WHERE id = ?').get(incubation.enterprise_id) as Row | undefined)
    : undefined;
  const warnings: IncubationWarning[] = [];
  const admitted = incubation.admitted_date as string | null;
  const founded = enterprise?.founded_date as string | null | undefined;
  if (admitted && founded) {
    const months = monthsBetween(founded, admitted);
    if (months > MAX_AGE_AT_ADMISSION_MONTHS) warnings.push({ code: 'age_at_admission', months });
  }
  if (admitted) {
    const until = (incubation.exit_date as string | null) ?? asOf;
    const months = monthsBetween(admitted, until < asOf ? until : asOf);
    if (months > MAX_INCUBATION_MONTHS) warnings.push({ code: 'incubated_too_long', months });
  }
  const quals = enterprise ? (JSON.parse((enterprise.qualifications as string) || '[]') as { type: string; expires: string | null }[]) : [];
  const highTech = quals.some((q) => q.type === 'hnte' && (!q.expires || q.expires >= asOf));
  const financingRaised = (db.prepare('SELECT coalesce(sum(amount), 0) AS s FROM financing_rounds WHERE deleted = 0 AND incubation_id = ? AND date <= ?').get(incubation.id, asOf) as { s: number }).s;
  const revenueTwoYears = enterprise && (enterprise.revenue != null || enterprise.revenue_prev != null) ? ((enterprise.revenue as number | null) ?? 0) + ((enterprise.revenue_prev as number | null) ?? 0) : null;
  const listedOrAcquired = enterprise?.listed_or_acquired === 1;
  const financingOk = financingRaised >= GRADUATION_FINANCING_YUAN;
  const revenueOk = (revenueTwoYears ?? 0) >= GRADUATION_REVENUE_TWO_YEARS_YUAN;
  return {
    warnings,
    checklist: { highTech, financingRaised, financingOk, revenueTwoYears, revenueOk, listedOrAcquired, anyMet: highTech || financingOk || revenueOk || listedOrAcquired },
  };
}
