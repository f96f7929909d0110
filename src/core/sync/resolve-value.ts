import { enterprisesHandlers } from '../enterprises/handlers';
import { readLive, transact } from '../db/write';
import { AppError } from '../errors';
import type { CoreContext, Handler } from '../handler';
import { financingHandlers, incubationsHandlers, startupMilestonesHandlers } from '../incubation/handlers';
import { activitiesHandlers, leadsHandlers } from '../leads/handlers';
import { staffHandlers } from '../staff/handlers';
import { milestonesHandlers, plansHandlers, targetsHandlers } from '../targets/handlers';
import { requestsHandlers, visitsHandlers } from '../visits/handlers';
import { resolveReview, type ReviewItem } from './fieldwork';

/** Each table's own update handler: a value typed in the review queue is an edit of the record like any other. */
const updaters = (): Record<string, Handler> => ({
  enterprises: enterprisesHandlers['enterprises.update'],
  leads: leadsHandlers['leads.update'],
  incubations: incubationsHandlers['incubations.update'],
  activities: activitiesHandlers['activities.update'],
  financing_rounds: financingHandlers['financing.update'],
  startup_milestones: startupMilestonesHandlers['startupMilestones.update'],
  staff: staffHandlers['staff.update'],
  plans: plansHandlers['plans.update'],
  targets: targetsHandlers['targets.update'],
  milestones: milestonesHandlers['milestones.update'],
  visits: visitsHandlers['visits.update'],
  requests: requestsHandlers['requests.update'],
});

/**
 * "Type another value" for a conflict: the value passes the record's own schema and rules (an enum
 * code, a number, a checked credit code, cleaned as the form would), is written by the table's update
 * handler, and the item is settled in the same transaction. A bad value is refused and the item stays open.
 */
export function resolveWithValue(ctx: CoreContext, id: string, value: unknown): ReviewItem {
  const item = readLive(ctx.db, 'review_items', id);
  const table = String(item.tbl);
  const field = String(item.field);
  const update = updaters()[table];
  if (!update || item.kind !== 'conflict' || item.status !== 'open') return resolveReview(ctx, id, 'other', value);
  const parsed = update.input.safeParse({ id: String(item.row_id), patch: { [field]: value ?? null } });
  if (!parsed.success) {
    throw new AppError('invalid_input', { detail: field }, [{ field, code: 'invalid_input', params: { detail: parsed.error.issues[0]?.message ?? '' } }]);
  }
  return transact(ctx, () => {
    update.run(ctx, parsed.data);
    const stored = (readLive(ctx.db, table as never, String(item.row_id)) as Record<string, unknown>)[field];
    return resolveReview(ctx, id, 'other', stored);
  });
}
