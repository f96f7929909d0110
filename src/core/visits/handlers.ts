import { statSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { prepared } from '../db/open';
import { deleteRow, insertRow, readLive, transact, type Row } from '../db/write';
import { entityHandlers, futureDayIssues, refExists } from '../entity';
import { AppError, type FieldIssue } from '../errors';
import { enumOf, isoDate, longText, optionalDate, optionalId, shortText } from '../fields';
import { labelsOf } from '../grid/labels';
import { handler, readHandler, slice, type CoreContext } from '../handler';
import { checkAttachmentSize, getBlob, mimeOf, putBlob } from './blobs';
import { staffFor, staffNamed, visitorName } from '../staff/visitor';

/**
 * Visits (走访) on an enterprise or a lead, the files attached to them (photos, scans: stored inside
 * the database by content hash, see blobs.ts) and the requests (诉求) enterprises raise, which the
 * office follows up from open through in progress to resolved. All three are ordinary synced tables:
 * they are written through the write path and travel in change packages like any row.
 */
const visitFields = {
  enterprise_id: optionalId,
  lead_id: optionalId,
  date: isoDate,
  staff_id: optionalId,
  purpose: shortText,
  notes: longText,
};

const requestFields = {
  enterprise_id: z.uuid(),
  visit_id: optionalId,
  /** The day it was raised; a new request without one takes its visit's day, else the database's today. */
  date: optionalDate,
  text: z.string().trim().min(1).max(2000),
  status: enumOf('requestStatus').default('open'),
};

export interface VisitRow {
  id: string;
  enterprise_id: string | null;
  lead_id: string | null;
  date: string;
  staff_id: string | null;
  staff_name: string | null;
  purpose: string | null;
  notes: string | null;
}

const refIssues = (ctx: CoreContext, row: Row, refs: [string, 'enterprises' | 'leads' | 'staff' | 'visits'][]): FieldIssue[] =>
  refs.filter(([col, table]) => !refExists(ctx, table, row[col])).map(([col]) => ({ field: col, code: 'unknown_reference', params: { detail: String(row[col]) } }));

const visitEntity = entityHandlers({
  table: 'visits',
  fields: visitFields,
  rules: (ctx, row) => {
    const issues = refIssues(ctx, row, [['enterprise_id', 'enterprises'], ['lead_id', 'leads'], ['staff_id', 'staff']]);
    if (!row.enterprise_id && !row.lead_id) issues.push({ field: 'enterprise_id', code: 'visit_owner' });
    return issues;
  },
  view: {
    from: 'visits v LEFT JOIN staff s ON s.id = v.staff_id',
    rowid: 'v.rowid',
    where: 'v.deleted = 0',
    select: 'v.*, s.name AS staff_name',
    columns: {
      enterprise_id: { sql: 'v.enterprise_id', type: 'text' },
      lead_id: { sql: 'v.lead_id', type: 'text' },
      date: { sql: 'v.date', type: 'date', sortable: true },
      purpose: { sql: 'v.purpose', type: 'text' },
    },
  },
});

export const visitsHandlers = slice('visits', {
  ...visitEntity,
  /**
   * A new visit. `by_visitor`: by the person working here (staff/visitor.ts) rather than `staff_id`, added
   * to the staff list in the same transaction when not on it (a laptop's carrier, new to the office).
   */
  create: handler(z.strictObject({ ...visitFields, by_visitor: z.boolean().optional() }), (ctx, { by_visitor, ...visit }) => {
    if (!by_visitor) return visitEntity.create.run(ctx, visit);
    const name = visitorName(ctx.db);
    if (!name) throw new AppError('no_visitor');
    return transact(ctx, () => visitEntity.create.run(ctx, { ...visit, staff_id: staffFor(ctx, name) }));
  }),
  /** Who a new visit is by unless another is chosen: the person working here, and their staff record if they have one. */
  visitor: readHandler(z.strictObject({}), (ctx) => {
    const name = visitorName(ctx.db);
    return { name, staffId: name ? staffNamed(ctx.db, name) : null };
  }),
  /** The visits of one enterprise or lead, newest first, each with its attachments and requests. */
  of: readHandler(z.strictObject({ enterprise_id: z.uuid().optional(), lead_id: z.uuid().optional() }), (ctx, q) => {
    const visits = ctx.db
      .prepare(
        `SELECT v.*, s.name AS staff_name FROM visits v LEFT JOIN staff s ON s.id = v.staff_id
         WHERE v.deleted = 0 AND (v.enterprise_id = ? OR v.lead_id = ?) ORDER BY v.date DESC, v.id DESC LIMIT 200`,
      )
      .all(q.enterprise_id ?? null, q.lead_id ?? null) as VisitRow[];
    const files = prepared(ctx.db, 'SELECT id, name, mime, size, hash FROM attachments WHERE visit_id = ? AND deleted = 0 ORDER BY created_at, id');
    const asks = prepared(ctx.db, 'SELECT id, text, status FROM requests WHERE visit_id = ? AND deleted = 0 ORDER BY created_at, id');
    return visits.map((v) => ({
      ...v,
      attachments: files.all(v.id) as { id: string; name: string; mime: string; size: number; hash: string }[],
      requests: asks.all(v.id) as { id: string; text: string; status: string }[],
    }));
  }),
});

export const attachmentsHandlers = slice('attachments', {
  /** Attaches an uploaded file (a token from the shell's upload) to a visit; its content is stored once. */
  add: handler(z.strictObject({ visit_id: z.uuid(), file: z.uuid() }), (ctx, { visit_id, file }) => {
    readLive(ctx.db, 'visits', visit_id);
    const upload = ctx.files.get(file);
    checkAttachmentSize(upload.name, statSync(upload.path).size);
    const bytes = readFileSync(upload.path);
    return transact(ctx, () => {
      const hash = putBlob(ctx.db, bytes);
      const id = insertRow(ctx, 'attachments', { visit_id, name: upload.name, mime: mimeOf(upload.name), size: bytes.length, hash });
      return readLive(ctx.db, 'attachments', id);
    });
  }),
  delete: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => {
    deleteRow(ctx, 'attachments', id);
    return { id };
  }),
  /** The attachment as a file to save or open (a token, like exports). */
  file: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => {
    const a = readLive(ctx.db, 'attachments', id);
    const bytes = getBlob(ctx.db, String(a.hash));
    if (!bytes) throw new AppError('attachment_missing', { detail: String(a.name) });
    const out = ctx.files.outputPath(String(a.name));
    writeFileSync(out, bytes);
    return { token: ctx.files.register(out), name: String(a.name) };
  }),
  /** An image attachment as a data URL, for a thumbnail; null for other kinds of file. */
  preview: readHandler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => {
    const a = readLive(ctx.db, 'attachments', id);
    if (!String(a.mime).startsWith('image/') || a.mime === 'image/heic') return null;
    const bytes = getBlob(ctx.db, String(a.hash));
    return bytes ? `data:${String(a.mime)};base64,${bytes.toString('base64')}` : null;
  }),
});

/**
 * The day a request is shown and ordered by: its own (0019), else for one entered before requests had a
 * day, its visit's, else its entry's (`r` the request, `v` its visit, LEFT JOINed).
 */
const requestDay = 'coalesce(r.date, v.date, substr(r.created_at, 1, 10))';

/** The day of a request's visit (null without one). */
const visitDay = (ctx: CoreContext, visitId: unknown): string | null =>
  visitId ? ((prepared(ctx.db, 'SELECT date FROM visits WHERE id = ?').get(visitId) as { date: string } | undefined)?.date ?? null) : null;

const requestEntity = entityHandlers({
  table: 'requests',
  fields: requestFields,
  rules: (ctx, row, _id, before) => {
    const issues = refIssues(ctx, row, [['enterprise_id', 'enterprises'], ['visit_id', 'visits']]);
    // A day typed for the request; one taken from its visit is the visit's own, as the visit was logged.
    if (row.date !== visitDay(ctx, row.visit_id)) issues.push(...futureDayIssues(ctx, row, before, ['date']));
    return issues;
  },
  view: {
    from: 'requests r JOIN enterprises e ON e.id = r.enterprise_id',
    rowid: 'r.rowid',
    where: 'r.deleted = 0',
    select: 'r.*, e.name AS enterprise_name',
    columns: {
      enterprise_id: { sql: 'r.enterprise_id', type: 'text' },
      status: { sql: 'r.status', type: 'enum', labels: labelsOf('requestStatus') },
      text: { sql: 'r.text', type: 'text' },
    },
  },
});

export const requestsHandlers = slice('requests', {
  ...requestEntity,
  /** A new request, dated (unless a day is given) by the park's calendar, not the computer's clock. */
  create: handler(z.strictObject(requestFields), (ctx, request) =>
    requestEntity.create.run(ctx, { ...request, date: request.date ?? visitDay(ctx, request.visit_id) ?? ctx.today() }),
  ),
  /** One enterprise's requests: open ones first, then newest first by their day (requestDay). */
  of: readHandler(z.strictObject({ enterprise_id: z.uuid() }), (ctx, { enterprise_id }) =>
    ctx.db
      .prepare(
        `SELECT r.*, ${requestDay} AS day, r.visit_id IS NOT NULL AS from_visit FROM requests r LEFT JOIN visits v ON v.id = r.visit_id
         WHERE r.deleted = 0 AND r.enterprise_id = ? ORDER BY r.status = 'resolved', day DESC, r.created_at DESC LIMIT 500`,
      )
      .all(enterprise_id),
  ),
  /** For the Overview: how many requests are in each status, and the oldest ones still open. */
  summary: readHandler(z.strictObject({}), (ctx) => {
    const counts = Object.fromEntries(
      (ctx.db.prepare('SELECT status, count(*) AS n FROM requests WHERE deleted = 0 GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    ) as Record<string, number>;
    const pending = ctx.db
      .prepare(
        // Dated, and so ordered, as the enterprise's own list dates a request (requestDay).
        `SELECT r.id, r.text, r.status, r.created_at, ${requestDay} AS day, r.enterprise_id, e.name AS enterprise_name
         FROM requests r JOIN enterprises e ON e.id = r.enterprise_id LEFT JOIN visits v ON v.id = r.visit_id
         WHERE r.deleted = 0 AND r.status <> 'resolved' ORDER BY day, r.created_at LIMIT 8`,
      )
      .all() as { id: string; text: string; status: string; created_at: string; day: string; enterprise_id: string; enterprise_name: string }[];
    return { open: counts.open ?? 0, in_progress: counts.in_progress ?? 0, resolved: counts.resolved ?? 0, pending };
  }),
});
