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
  if (!parsed.success) throw zodToAppError(parsed.error);
  return h.run(ctx, parsed.data);
}

/** One issue per field (its path joined with dots, e.g. `patch.name`); a missing value says "required". */
export function zodToAppError(error: z.ZodError): AppError {
  const fields: FieldIssue[] = error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(input)';
    const missing = (issue.code === 'invalid_type' && issue.input === undefined) || (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1);
    return missing ? { field, code: 'required' } : { field, code: 'invalid_input', params: { detail: issue.message } };
  });
  return new AppError('invalid_input', { detail: fields.map((f) => f.field).join(', ') }, fields);
}
