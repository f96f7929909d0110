import { z } from 'zod';
import { handler, slice } from './handler';

/** Progress and cancel of long work (imports, exports, reports), whatever area started it. */
export const jobHandlers = slice('jobs', {
  status: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => ctx.jobs.status(id)),
  cancel: handler(z.strictObject({ id: z.uuid() }), (ctx, { id }) => ctx.jobs.cancel(id)),
});
