import { z } from 'zod';
import { handler, readHandler, slice } from '../handler';
import { checkout, exportPackage, importSource, resolveReview, reviewItems, syncSummary, syncStatus } from './fieldwork';
import { deviceOf } from './peers';
import { resolveWithValue } from './resolve-value';
import { localDay } from '../util/day';

const password = z.string().min(1).max(200).optional();
const siteId = z.string().regex(/^[0-9a-f]{16}$/);

/** Laptop copies, change packages, merge (with preview) and the review queue. */
export const syncHandlers = slice('sync', {
  status: readHandler(z.strictObject({}), (ctx) => syncStatus(ctx)),
  /** What every screen shows (field-copy banner, review badge): cheap enough to load after each change. */
  summary: readHandler(z.strictObject({}), (ctx) => syncSummary(ctx)),
  /** A laptop copy of this database, as a file to save (the renderer never names a path). */
  checkout: handler(z.strictObject({ device: z.string().trim().min(1).max(60), person: z.string().trim().max(60).optional() }), (ctx, { device, person }) => {
    const out = ctx.files.outputPath(`ParkPilot-${device}.db`);
    const { site } = checkout(ctx, out, device, person || null);
    return { token: ctx.files.register(out), name: out.split(/[\\/]/).pop()!, site };
  }),
  /** The changes `receiver` lacks (a field copy's office by default) as a .ppsync file to save. */
  exportPackage: handler(z.strictObject({ receiver: siteId.optional(), password }), (ctx, input) => {
    const stamp = localDay(ctx.clock.wallTime());
    // Named by the sending device (the office tells several laptops' packages apart by it), else its site.
    const device = deviceOf(ctx.db, ctx.clock.site);
    const out = ctx.files.outputPath(`ParkPilot-${device || ctx.clock.site.slice(0, 6)}-${stamp}.ppsync`);
    const { changes, bytes } = exportPackage(ctx, out, input.receiver ?? null, input.password);
    return { token: ctx.files.register(out), name: out.split(/[\\/]/).pop()!, changes, bytes };
  }),
  /** Merges an uploaded package or laptop database as a job; a preview is the same merge rolled back. */
  merge: handler(z.strictObject({ file: z.uuid(), dryRun: z.boolean().default(true), password }), (ctx, input) => {
    const file = ctx.files.get(input.file);
    return ctx.jobs.start('merge', ctx.locale, ({ progress, signal }) =>
      importSource(ctx, file.path, { dryRun: input.dryRun, password: input.password, signal, onProgress: progress }),
    );
  }),
  reviews: readHandler(
    z.strictObject({ status: z.enum(['open', 'all']).default('open'), tbl: z.string().max(40).optional(), row_id: z.string().max(64).optional() }),
    (ctx, { status, tbl, row_id }) => reviewItems(ctx.db, status, tbl && row_id ? { tbl, row_id } : undefined),
  ),
  resolve: handler(
    z.strictObject({ id: z.uuid(), choice: z.enum(['kept', 'lost', 'other', 'restore']), value: z.union([z.string().max(2000), z.number(), z.null()]).optional() }),
    (ctx, { id, choice, value }) => (choice === 'other' ? resolveWithValue(ctx, id, value) : resolveReview(ctx, id, choice, value)),
  ),
});
