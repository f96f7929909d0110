import type { z } from 'zod';
import { AppError, type FieldIssue } from './errors';
import type { CoreContext, Handler } from './handler';

/**
 * Validation and dispatch, in one place: every entrance (`ParkCore.invoke` for the transports,
 * `ParkCore.call` in process, the importer's rows) checks input with the handler's schema and turns
 * a failure into the same coded error, then runs the handler with the parsed input.
 */
export function dispatch<O>(h: Handler<z.ZodType, O>, ctx: CoreContext, input: unknown): O {
  const parsed = h.input.safeParse(input ?? {});
  if (!parsed.success) throw zodToAppError(parsed.error, input ?? {});
  return h.run(ctx, parsed.data);
}

/**
 * One issue per field (its path joined with dots, e.g. `patch.name`); a missing value says "required".
 * "Missing" is read from the input: zod's issues do not carry the value they refused, so a
 * wrong value (2.5 for a whole number, text for a number) would otherwise read as missing.
 */
export function zodToAppError(error: z.ZodError, input: unknown): AppError {
  const fields: FieldIssue[] = error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(input)';
    const missing = (issue.code === 'invalid_type' && valueAt(input, issue.path) == null) || (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1);
    return missing ? { field, code: 'required' } : (fieldIssue(field, issue) ?? { field, code: 'invalid_input', params: { detail: issue.message } });
  });
  return new AppError('invalid_input', { detail: fields.map((f) => f.field).join(', ') }, fields);
}

/** The schema refusals a form meets, as coded issues with messages in both languages (zod's own are English only). */
function fieldIssue(field: string, issue: z.core.$ZodIssue): FieldIssue | null {
  const bound = (v: unknown) => (typeof v === 'bigint' ? Number(v) : (v as number));
  if (issue.code === 'too_small' && issue.origin === 'number') {
    const min = bound(issue.minimum);
    if (issue.inclusive === false) return { field, code: 'value_above', params: { min } };
    return min === 0 ? { field, code: 'value_negative' } : { field, code: 'value_min', params: { min } };
  }
  if (issue.code === 'too_big' && issue.origin === 'number') return { field, code: 'value_max', params: { max: bound(issue.maximum) } };
  if (issue.code === 'too_big' && issue.origin === 'string') return { field, code: 'text_too_long', params: { max: bound(issue.maximum) } };
  if (issue.code === 'too_small' && issue.origin === 'string') return { field, code: 'text_too_short', params: { min: bound(issue.minimum) } };
  if (issue.code === 'invalid_type' && (issue.expected === 'int' || issue.expected === 'number')) return { field, code: issue.expected === 'int' ? 'not_integer' : 'not_number' };
  if (issue.code === 'invalid_format' && (issue.format === 'date' || issue.format === 'datetime')) return { field, code: 'not_date' };
  if (issue.code === 'invalid_value') return { field, code: 'not_allowed_value' };
  return null;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}
