import { z } from 'zod';
import { enumCodes, type EnumName } from './enums';
import type { FieldIssue } from './errors';
import { normalizeUscc, usccProblem } from './util/uscc';

/** Field schemas shared by the areas. Money is whole yuan; dates are ISO calendar dates. */
export const isoDate = z.iso.date();
export const optionalDate = isoDate.nullish();
export const yuan = z.number().int().min(0).max(1e15).nullish();
export const count = z.number().int().min(0).max(1e9).nullish();
export const shortText = z.string().trim().max(200).nullish();
export const longText = z.string().max(10_000).nullish();
export const requiredText = z.string().trim().min(1).max(200);
export const id = z.uuid();
export const optionalId = z.uuid().nullish();
export const enumOf = <E extends EnumName>(name: E) => z.enum(enumCodes(name));

/** Cleans the `uscc` of a row as people paste it (spaces, lower case); blank becomes null. */
export const withNormalizedUscc = (row: Record<string, unknown>) => ({
  ...row,
  uscc: typeof row.uscc === 'string' && row.uscc.trim() ? normalizeUscc(row.uscc) : null,
});

/** The check-character problem of a row's `uscc`, as a field issue; null when absent or valid. */
export function usccIssue(row: Record<string, unknown>): FieldIssue | null {
  if (typeof row.uscc !== 'string') return null;
  const problem = usccProblem(row.uscc);
  return problem ? { field: 'uscc', code: `uscc_${problem}` } : null;
}
