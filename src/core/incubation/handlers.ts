import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, refExists } from '../entity';
import { readLive, transact, updateRow } from '../db/write';
import { AppError } from '../errors';
import { enumOf, isoDate, longText, optionalDate, requiredText, shortText } from '../fields';
import { recordStage } from '../stages/events';
import { assessIncubation } from './rules';
import { gridView } from '../registry/derive';
import { inputShape } from '../registry/field';
import { incubationRegistry } from './fields';
import { exitedEnterpriseIssue, syncIncubationStatus } from './status';
import { deleteRow } from '../db/write';
import { handler, readHandler, slice } from '../handler';

export const incubationFields = inputShape(incubationRegistry);

export const incubationsView = gridView(incubationRegistry, {
  from: 'incubations i LEFT JOIN enterprises e ON e.id = i.enterprise_id LEFT JOIN staff s ON s.id = i.mentor_id',
  alias: 'i',
});

const entity = entityHandlers({
    table: 'incubations',
    fields: incubationFields,
    onChange: (ctx, id, before, after) => {
      recordStage(ctx, 'incubations', id, (before?.stage as string | undefined) ?? null, after.stage as string, ctx.today());
      // The enterprise's 在孵 follows its incubation records (status.ts), the old one's too if it moved.
      syncIncubationStatus(ctx, after.enterprise_id as string | null);
      if (before?.enterprise_id && before.enterprise_id !== after.enterprise_id) syncIncubationStatus(ctx, before.enterprise_id as string);
    },
    rules: (ctx, row) => {
      const issues: FieldIssue[] = [];
      if (!row.enterprise_id && !(typeof row.team_name === 'string' && row.team_name.trim())) issues.push({ field: 'team_name', code: 'team_or_enterprise' });
      if (!refExists(ctx, 'enterprises', row.enterprise_id)) issues.push({ field: 'enterprise_id', code: 'unknown_reference', params: { detail: String(row.enterprise_id) } });
      if (!refExists(ctx, 'staff', row.mentor_id)) issues.push({ field: 'mentor_id', code: 'unknown_reference', params: { detail: String(row.mentor_id) } });
      const exited = exitedEnterpriseIssue(ctx.db, row.enterprise_id, row.stage);
      if (exited) issues.push(exited);
      return issues;
    },
    view: incubationsView,
  });

/** Which date column a stage move fills in (when still empty). */
const STAGE_DATE: Record<string, string> = { applied: 'applied_date', admitted: 'admitted_date', graduated: 'exit_date', terminated: 'exit_date' };

export const incubationsHandlers = slice('incubations', {
  ...entity,
  moveStage: handler(
    z.strictObject({ id: z.uuid(), stage: enumOf('incubationStage'), date: isoDate.optional(), note: longText }),
    (ctx, { id, stage, date, note }) => {
      const row = readLive(ctx.db, 'incubations', id);
      const on = date ?? ctx.today();
      if (on > ctx.today()) throw new AppError('invalid_input', { detail: 'date' }, [{ field: 'date', code: 'date_in_future' }]);
      const exited = exitedEnterpriseIssue(ctx.db, row.enterprise_id, stage);
      if (exited) throw new AppError('invalid_input', { detail: 'stage' }, [exited]);
      return transact(ctx, () => {
        const dateColumn = STAGE_DATE[stage];
        updateRow(ctx, 'incubations', id, { stage, ...(dateColumn && !row[dateColumn] ? { [dateColumn]: on } : {}) });
        recordStage(ctx, 'incubations', id, row.stage as string, stage, on, note);
        syncIncubationStatus(ctx, row.enterprise_id as string | null);
        return readLive(ctx.db, 'incubations', id);
      });
    },
  ),
  // Withdrawing or restoring an incubation record changes whether its enterprise is 在孵.
  delete: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) =>
    transact(ctx, () => {
      const row = readLive(ctx.db, 'incubations', id);
      deleteRow(ctx, 'incubations', id);
      syncIncubationStatus(ctx, row.enterprise_id as string | null);
      return { id };
    }),
  ),
  restore: handler(z.strictObject({ id: z.uuid() }), (ctx, input) =>
    transact(ctx, () => {
      const row = entity.restore.run(ctx, input);
      syncIncubationStatus(ctx, row.enterprise_id as string | null);
      return row;
    }),
  ),
  /** Regulation warnings and the graduation checklist, as of a date. */
  assess: handler(z.strictObject({ id: z.uuid(), asOf: isoDate.optional() }), (ctx, { id, asOf }) => assessIncubation(ctx.db, readLive(ctx.db, 'incubations', id), asOf ?? ctx.today())),
});

export const financingHandlers = slice('financing', {
  ...entityHandlers({
    table: 'financing_rounds',
    fields: { incubation_id: z.uuid(), date: isoDate, round: shortText, amount: z.number().int().min(1).max(1e13), investor: shortText },
    rules: (ctx, row) => (refExists(ctx, 'incubations', row.incubation_id) ? [] : [{ field: 'incubation_id', code: 'unknown_reference', params: { detail: String(row.incubation_id) } }]),
    view: { from: 'financing_rounds f', rowid: 'f.rowid', where: 'f.deleted = 0', select: 'f.*', columns: { date: { sql: 'f.date', type: 'date', sortable: true } } },
  }),
  of: readHandler(z.strictObject({ incubation_id: z.uuid() }), (ctx, { incubation_id }) =>
    ctx.db.prepare('SELECT * FROM financing_rounds WHERE deleted = 0 AND incubation_id = ? ORDER BY date').all(incubation_id) as Record<string, unknown>[],
  ),
});

export const startupMilestonesHandlers = slice('startupMilestones', {
  ...entityHandlers({
    table: 'startup_milestones',
    fields: { incubation_id: z.uuid(), goal: requiredText, unit: shortText, target_value: z.number().min(0).nullish(), deadline: optionalDate, done_date: optionalDate },
    rules: (ctx, row) => (refExists(ctx, 'incubations', row.incubation_id) ? [] : [{ field: 'incubation_id', code: 'unknown_reference', params: { detail: String(row.incubation_id) } }]),
    view: { from: 'startup_milestones m', rowid: 'm.rowid', where: 'm.deleted = 0', select: 'm.*', columns: { deadline: { sql: 'm.deadline', type: 'date', sortable: true } } },
  }),
  of: readHandler(z.strictObject({ incubation_id: z.uuid() }), (ctx, { incubation_id }) =>
    ctx.db.prepare('SELECT * FROM startup_milestones WHERE deleted = 0 AND incubation_id = ? ORDER BY deadline IS NULL, deadline').all(incubation_id) as Record<string, unknown>[],
  ),
});

