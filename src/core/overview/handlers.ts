import { z } from 'zod';
import { isoDate } from '../fields';
import { readHandler, slice } from '../handler';
import { stats } from './stats';

/** The Overview area: the dashboard of targets and pipelines as of a date, and the `stats` counts. */
export { dashboardHandlers } from './dashboard';

export const statsHandlers = slice('stats', {
  get: readHandler(z.strictObject({ asOf: isoDate.optional() }), (ctx, { asOf }) => stats(ctx.db, asOf ?? ctx.today())),
});
