import { z } from 'zod';
import { AppError } from '../errors';
import { handler, readHandler, slice, type CoreContext, type HubControl } from '../handler';

const control = (ctx: CoreContext): HubControl => {
  if (!ctx.hub) throw new AppError('hub_not_connected');
  return ctx.hub;
};

/** Settings → Office hub and the status bar: connect, status, sync now, disconnect. */
export const hubHandlers = slice('hub', {
  status: readHandler(z.strictObject({}), (ctx) => control(ctx).status(ctx.locale)),
  connect: handler(
    z.strictObject({
      url: z.string().trim().min(1).max(500),
      login: z.string().trim().max(63).optional(),
      password: z.string().max(200).optional(),
      merge: z.boolean().default(false),
    }),
    async (ctx, input) => {
      await control(ctx).connect({ url: input.url, merge: input.merge, ...(input.login ? { login: input.login } : {}), ...(input.password ? { password: input.password } : {}) });
      return control(ctx).status(ctx.locale);
    },
  ),
  sync: handler(z.strictObject({}), (ctx) => control(ctx).sync()),
  disconnect: handler(z.strictObject({}), async (ctx) => {
    await control(ctx).disconnect();
    return control(ctx).status(ctx.locale);
  }),
});
