import { z } from 'zod';
import { AppError } from '../errors';
import { entityHandlers } from '../entity';
import { enumOf, requiredText, shortText } from '../fields';
import { labelsOf } from '../grid/labels';
import { handler, readHandler, slice } from '../handler';
import { deleteRow, insertRow, readLive, updateRow } from '../db/write';

/** Staff (owners of leads, mentors) and the editable industry list: small reference tables. */
export const staffHandlers = slice('staff', {
  ...entityHandlers({
    table: 'staff',
    fields: { name: requiredText, role: enumOf('staffRole'), phone: shortText, email: shortText },
    beforeDelete: (ctx, id) => {
      const n = (ctx.db
        .prepare('SELECT (SELECT count(*) FROM leads WHERE owner_id = ? AND deleted = 0) + (SELECT count(*) FROM incubations WHERE mentor_id = ? AND deleted = 0) AS n')
        .get(id, id) as { n: number }).n;
      if (n > 0) throw new AppError('in_use', { count: n });
    },
    view: {
      from: 'staff', rowid: 'staff.rowid', where: 'staff.deleted = 0', select: 'staff.*',
      columns: { name: { sql: 'staff.name', type: 'text', sortable: true }, role: { sql: 'staff.role', type: 'enum', labels: labelsOf('staffRole') } },
    },
  }),
  list: readHandler(z.strictObject({}), (ctx) => ctx.db.prepare('SELECT id, name, role, phone, email FROM staff WHERE deleted = 0 ORDER BY role, name').all() as { id: string; name: string; role: string; phone: string | null; email: string | null }[]),
});

const industryCode = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/);
const industryFields = { name_zh: requiredText, name_en: requiredText, sort: z.number().int().min(0).max(1000).nullish() };

/** Industries are keyed by a readable code (bigdata, ai …) so filters, imports and targets can name them. */
export const industriesHandlers = slice('industries', {
  list: readHandler(z.strictObject({}), (ctx) =>
    ctx.db.prepare('SELECT id, name_zh, name_en, sort FROM industries WHERE deleted = 0 ORDER BY sort, id').all() as { id: string; name_zh: string; name_en: string; sort: number }[],
  ),
  create: handler(z.strictObject({ id: industryCode, ...industryFields }), (ctx, { id, ...values }) => {
    if (ctx.db.prepare('SELECT 1 FROM industries WHERE id = ?').get(id)) throw new AppError('invalid_input', { detail: 'id' }, [{ field: 'id', code: 'duplicate', params: { name: id } }]);
    insertRow(ctx, 'industries', values, id);
    return readLive(ctx.db, 'industries', id);
  }),
  update: handler(z.strictObject({ id: industryCode, patch: z.strictObject(industryFields).partial() }), (ctx, { id, patch }) => {
    readLive(ctx.db, 'industries', id);
    return { changed: updateRow(ctx, 'industries', id, patch) };
  }),
  delete: handler(z.strictObject({ id: industryCode }), (ctx, { id }) => {
    const n = (ctx.db.prepare('SELECT count(*) AS n FROM enterprises WHERE industry = ? AND deleted = 0').get(id) as { n: number }).n;
    if (n > 0) throw new AppError('in_use', { count: n });
    deleteRow(ctx, 'industries', id);
    return { id };
  }),
});
