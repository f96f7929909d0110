import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { entityHandlers, refExists } from '../entity';
import { prepared } from '../db/open';
import { deleteRow, readLive, transact, updateRow, type Row } from '../db/write';
import { enterprisesHandlers } from '../enterprises/handlers';
import { AppError } from '../errors';
import { enumOf, isoDate, longText, optionalId, shortText, usccIssue, withNormalizedUscc } from '../fields';
import { recordStage } from '../stages/events';
import { leadStages } from './pipeline';
import { leadRegistry } from './fields';
import { gridView } from '../registry/derive';
import { labelsOf } from '../grid/labels';
import { inputShape } from '../registry/field';
import { handler, readHandler, slice, type CoreContext } from '../handler';

export const leadFields = inputShape(leadRegistry);

export const leadsView = gridView(leadRegistry, { from: 'leads l LEFT JOIN staff s ON s.id = l.owner_id', alias: 'l', fts: { field: 'company', table: 'leads_fts' } });

const entity = entityHandlers({
  table: 'leads',
  fields: leadFields,
  prepare: withNormalizedUscc,
  rules: (ctx, row) => {
    const issues: FieldIssue[] = [];
    const bad = usccIssue(row);
    if (bad) issues.push(bad);
    issues.push(...stageIssues(ctx, row));
    if (!refExists(ctx, 'staff', row.owner_id)) issues.push({ field: 'owner_id', code: 'unknown_reference', params: { detail: String(row.owner_id) } });
    if (!refExists(ctx, 'industries', row.industry)) issues.push({ field: 'industry', code: 'unknown_reference', params: { detail: String(row.industry) } });
    return issues;
  },
  view: leadsView,
  onChange: (ctx, id, before, after) => recordStage(ctx, 'leads', id, (before?.stage as string | undefined) ?? null, after.stage as string, ctx.today()),
});

export interface BoardCard {
  id: string;
  company: string;
  stage: string;
  intended_investment: number | null;
  next_follow_up: string | null;
  probability: number | null;
  enterprise_id: string | null;
  industry: string | null;
  owner_name: string | null;
  overdue: number;
}

/** The stage must exist in this database's pipeline; a lost lead needs its reason. */
function stageIssues(ctx: CoreContext, row: Row): FieldIssue[] {
  const stage = leadStages(ctx.db).find((s) => s.id === row.stage);
  if (!stage) return [{ field: 'stage', code: 'unknown_stage', params: { stage: String(row.stage) } }];
  if (stage.kind === 'lost' && !(typeof row.lost_reason === 'string' && row.lost_reason.trim())) return [{ field: 'lost_reason', code: 'required' }];
  return [];
}

const moveInput = z.strictObject({ id: z.uuid(), stage: z.string().max(40), date: isoDate.optional(), lost_reason: shortText, note: longText });
const convertInput = z.strictObject({
  id: z.uuid(),
  /** auto: link the enterprise with the same USCC (then exact name) if there is one, else create. */
  mode: z.enum(['auto', 'link', 'create']).default('auto'),
  enterprise_id: z.uuid().optional(),
  kind: enumOf('enterpriseKind').default('startup'),
  entry_date: isoDate.optional(),
  // What the new enterprise gets beyond what the lead knows (or in place of it): the dialog carries
  // the lead's company, credit code, industry and area over, and asks for what is missing.
  name: z.string().trim().min(1).max(200).optional(),
  uscc: z.string().max(40).nullish(),
  industry: z.string().max(40).nullish(),
  building: shortText,
  unit: shortText,
  area_m2: z.number().min(0).max(1e7).nullish(),
});

/** Enterprises that a lead may already be: same USCC first, then the exact same name. */
type EnterpriseMatch = { id: string; name: string; uscc: string | null; by: 'uscc' | 'name' };
function matchEnterprise(ctx: CoreContext, lead: Row): EnterpriseMatch[] {
  const byUscc = lead.uscc ? (ctx.db.prepare("SELECT id, name, uscc, 'uscc' AS by FROM enterprises WHERE deleted = 0 AND uscc = ?").all(lead.uscc) as EnterpriseMatch[]) : [];
  if (byUscc.length) return byUscc;
  return ctx.db.prepare("SELECT id, name, uscc, 'name' AS by FROM enterprises WHERE deleted = 0 AND name = ?").all(lead.company) as EnterpriseMatch[];
}

export const leadsHandlers = slice('leads', {
  ...entity,
  /** A dated stage change (kanban drop, or a stage set with its real date). */
  moveStage: handler(moveInput, (ctx, input) => {
    const lead = readLive(ctx.db, 'leads', input.id);
    const next = { ...lead, stage: input.stage, lost_reason: input.lost_reason ?? lead.lost_reason };
    const issues = stageIssues(ctx, next);
    const date = input.date ?? ctx.today();
    if (date > ctx.today()) issues.push({ field: 'date', code: 'date_in_future' });
    if (issues.length) throw new AppError('invalid_input', { detail: issues.map((i) => i.field).join(', ') }, issues);
    return transact(ctx, () => {
      updateRow(ctx, 'leads', input.id, { stage: input.stage, lost_reason: next.lost_reason });
      recordStage(ctx, 'leads', input.id, lead.stage as string, input.stage, date, input.note);
      return readLive(ctx.db, 'leads', input.id);
    });
  }),
  /**
   * Undo of a kanban move, as the board offers it right after: the lead goes back to the stage it came
   * from and the move's stage event is withdrawn (a tombstone through the write path), so the funnel,
   * time in stage and targets count it as never made, rather than as two moves. Only the lead's latest
   * move, while the lead is as the move left it: after another move, or any other change of the lead
   * since (converted into an enterprise, edited, one merged in), the undo is refused with a message and
   * the history keeps both. A move to 流失 that set the lost reason gives the reason before it back.
   */
  undoMove: handler(z.strictObject({ id: z.uuid(), stage: z.string().max(40) }), (ctx, input) => {
    const lead = readLive(ctx.db, 'leads', input.id);
    // The move is the lead's latest stay (by date) and its latest entered event: a move dated back
    // before another is not the one the board just made.
    const latest = (order: string) =>
      prepared(ctx.db, `SELECT id, from_stage, stage FROM stage_events WHERE entity = 'leads' AND row_id = ? AND deleted = 0 ORDER BY ${order} LIMIT 1`).get(input.id) as
        | { id: string; from_stage: string | null; stage: string }
        | undefined;
    const last = latest('date DESC, rowid DESC');
    if (!last || last.id !== latest('rowid DESC')?.id || last.stage !== input.stage || lead.stage !== input.stage || last.from_stage === null) throw new AppError('undo_stale');
    // The move's own writes: the event's creation and the lead's stage (with its lost reason) in the same
    // write, before it. A change of the lead stamped after the event is a change since the move.
    const stampOf = (tbl: string, id: string, field: string) =>
      (prepared(ctx.db, 'SELECT stamp, old_value FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY stamp DESC LIMIT 1').get(tbl, id, field) as { stamp: string; old_value: string | null } | undefined);
    const moved = (prepared(ctx.db, "SELECT max(stamp) AS stamp FROM changes WHERE tbl = 'stage_events' AND row_id = ?").get(last.id) as { stamp: string | null }).stamp;
    const since = moved !== null && prepared(ctx.db, "SELECT 1 FROM changes WHERE tbl = 'leads' AND row_id = ? AND stamp > ? LIMIT 1").get(input.id, moved);
    if (moved === null || since) throw new AppError('undo_stale');
    const stageWrite = stampOf('leads', input.id, 'stage');
    const reasonWrite = stampOf('leads', input.id, 'lost_reason');
    const patch: Row = { stage: last.from_stage };
    if (reasonWrite && stageWrite && reasonWrite.stamp === stageWrite.stamp) patch.lost_reason = reasonWrite.old_value === null ? null : JSON.parse(reasonWrite.old_value);
    // The stage it returns to must still be one of the pipeline's (Settings may have removed it since).
    const issues = stageIssues(ctx, { ...lead, ...patch });
    if (issues.length) throw new AppError('invalid_input', { detail: issues.map((i) => i.field).join(', ') }, issues);
    return transact(ctx, () => {
      updateRow(ctx, 'leads', input.id, patch);
      deleteRow(ctx, 'stage_events', last.id);
      return readLive(ctx.db, 'leads', input.id);
    });
  }),
  /** The kanban: each stage's leads (soonest follow-up first, up to `perStage`) and exact count. */
  board: readHandler(
    z.strictObject({ owner_id: z.uuid().optional(), industry: z.string().max(40).optional(), source: z.string().max(40).optional(), perStage: z.number().int().min(1).max(500).default(100) }),
    (ctx, q) => {
      const where = ['l.deleted = 0', 'l.stage = ?'];
      const params: unknown[] = [];
      for (const column of ['owner_id', 'industry', 'source'] as const) {
        if (!q[column]) continue;
        where.push(`l.${column} = ?`);
        params.push(q[column]);
      }
      const today = ctx.today();
      return leadStages(ctx.db).map((stage) => {
        // Each column's size: its leads and their total intended investment (yuan), over all of them.
        const totals = prepared(ctx.db, `SELECT count(*) AS n, coalesce(sum(l.intended_investment), 0) AS investment FROM leads l WHERE ${where.join(' AND ')}`).get(stage.id, ...params) as { n: number; investment: number };
        return {
        ...stage,
        count: totals.n,
        investment: totals.investment,
        leads: (prepared(
          ctx.db,
          `SELECT l.id, l.company, l.stage, l.intended_investment, l.next_follow_up, l.probability, l.enterprise_id, l.industry, s.name AS owner_name,
                  (l.next_follow_up < ? AND ?) AS overdue
           FROM leads l LEFT JOIN staff s ON s.id = l.owner_id WHERE ${where.join(' AND ')}
           ORDER BY l.next_follow_up IS NULL, l.next_follow_up, l.company LIMIT ?`,
        ).all(today, stage.kind === 'open' ? 1 : 0, stage.id, ...params, q.perStage) as BoardCard[]),
        };
      });
    },
  ),
  matches: readHandler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => matchEnterprise(ctx, readLive(ctx.db, 'leads', id))),
  /**
   * A signed or settled lead becomes an enterprise, or is linked to the one it already is (same USCC or
   * name). A project is one enterprise: several leads of one enterprise count once (see targets).
   */
  convert: handler(convertInput, (ctx, input) => {
    const lead = readLive(ctx.db, 'leads', input.id);
    const stage = leadStages(ctx.db).find((s) => s.id === lead.stage);
    if (stage?.kind !== 'won') throw new AppError('not_won');
    if (lead.enterprise_id) {
      const linked = ctx.db.prepare('SELECT name FROM enterprises WHERE id = ?').get(lead.enterprise_id) as { name: string } | undefined;
      throw new AppError('already_converted', { name: linked?.name ?? '' });
    }
    return transact(ctx, () => {
      let enterpriseId = input.mode === 'link' ? input.enterprise_id : undefined;
      if (input.mode === 'link' && !enterpriseId) throw new AppError('invalid_input', { detail: 'enterprise_id' }, [{ field: 'enterprise_id', code: 'required' }]);
      if (enterpriseId) readLive(ctx.db, 'enterprises', enterpriseId);
      if (input.mode === 'auto') enterpriseId = matchEnterprise(ctx, lead)[0]?.id;
      const linked = !!enterpriseId;
      if (!enterpriseId) {
        const created = enterprisesHandlers['enterprises.create'].run(ctx, {
          name: input.name ?? (lead.company as string), uscc: input.uscc !== undefined ? input.uscc : (lead.uscc as string | null),
          industry: input.industry !== undefined ? input.industry : (lead.industry as string | null), kind: input.kind, status: 'settled',
          entry_date: input.entry_date ?? ctx.today(), area_m2: input.area_m2 !== undefined ? input.area_m2 : (lead.expected_area_m2 as number | null),
          building: input.building ?? null, unit: input.unit ?? null, notes: lead.notes as string | null,
        });
        enterpriseId = created.id as string;
      }
      updateRow(ctx, 'leads', input.id, { enterprise_id: enterpriseId });
      return { enterprise: readLive(ctx.db, 'enterprises', enterpriseId), linked };
    });
  }),
  overdue: readHandler(z.strictObject({ asOf: isoDate.optional() }), (ctx, { asOf }) => ({
    count: (ctx.db
      .prepare("SELECT count(*) AS n FROM leads WHERE deleted = 0 AND stage NOT IN ('lost', 'producing') AND next_follow_up < ?")
      .get(asOf ?? ctx.today()) as { n: number }).n,
  })),
});

export const activityFields = {
  lead_id: optionalId,
  enterprise_id: optionalId,
  kind: enumOf('activityKind'),
  date: isoDate,
  staff_id: optionalId,
  text: longText,
};

export const activitiesHandlers = slice('activities', {
  ...entityHandlers({
    table: 'activities',
    fields: activityFields,
    rules: (ctx, row) => {
      const issues: FieldIssue[] = [];
      if (!row.lead_id && !row.enterprise_id) issues.push({ field: 'lead_id', code: 'required' });
      if (!refExists(ctx, 'leads', row.lead_id)) issues.push({ field: 'lead_id', code: 'unknown_reference', params: { detail: String(row.lead_id) } });
      if (!refExists(ctx, 'enterprises', row.enterprise_id)) issues.push({ field: 'enterprise_id', code: 'unknown_reference', params: { detail: String(row.enterprise_id) } });
      return issues;
    },
    view: {
      from: 'activities a LEFT JOIN staff s ON s.id = a.staff_id',
      rowid: 'a.rowid',
      where: 'a.deleted = 0',
      select: 'a.*, s.name AS staff_name',
      columns: {
        lead_id: { sql: 'a.lead_id', type: 'text' },
        enterprise_id: { sql: 'a.enterprise_id', type: 'text' },
        kind: { sql: 'a.kind', type: 'enum', labels: labelsOf('activityKind') },
        date: { sql: 'a.date', type: 'date', sortable: true },
        text: { sql: 'a.text', type: 'text' },
      },
    },
  }),
  /** The activities of one lead or enterprise, newest first. */
  of: readHandler(z.strictObject({ lead_id: z.uuid().optional(), enterprise_id: z.uuid().optional() }), (ctx, q) =>
    ctx.db
      .prepare(
        `SELECT a.*, s.name AS staff_name FROM activities a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.deleted = 0 AND (a.lead_id = ? OR a.enterprise_id = ?) ORDER BY a.date DESC LIMIT 200`,
      )
      .all(q.lead_id ?? null, q.enterprise_id ?? null),
  ),
});
