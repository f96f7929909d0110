import { z } from 'zod';
import { enums } from './enums';
import { registryMetas } from './registry/meta';
import { handler, slice, type Handler } from './handler';
import { activitiesHandlers, leadsHandlers } from './leads/handlers';
import { enterprisesHandlers } from './enterprises/handlers';
import { financingHandlers, incubationsHandlers, startupMilestonesHandlers } from './incubation/handlers';
import { pipelineHandlers } from './leads/pipeline';
import { stageEventHandlers } from './stages/events';
import { searchHandlers } from './search/handlers';
import { industriesHandlers, staffHandlers } from './staff/handlers';
import { milestonesHandlers, plansHandlers, targetsHandlers } from './targets/handlers';
import { dashboardHandlers, statsHandlers } from './overview/handlers';
import { importHandlers } from './imports/handlers';
import { exportHandlers } from './exports/handlers';
import { jobHandlers } from './job-handlers';
import { reportHandlers } from './reports/handlers';
import { syncHandlers } from './sync/handlers';
import { hubHandlers } from './hub/handlers';
import { backupHandlers } from './backup/handlers';
import { demoDay, DEMO_DAY, settingsHandlers } from './settings/handlers';
import { attachmentsHandlers, requestsHandlers, visitsHandlers } from './visits/handlers';
import { viewsHandlers } from './grid/views';
import { qualificationHandlers } from './enterprises/qualifications';

const metaHandlers = slice('meta', {
  enums: handler(z.strictObject({}), () => enums),
  /** Each registry area's fields (labels, types, grid and form behaviour), from the field registries. */
  fields: handler(z.strictObject({}), () => registryMetas),
  info: handler(z.strictObject({}), (ctx) => {
    const setting = (key: string) => (ctx.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
    return {
      dataset: setting('dataset'),
      site: ctx.clock.site,
      sqlite: (ctx.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      file: ctx.db.name,
      today: ctx.today(),
      /** A demo database's day (its last day of history) while it runs on it; null on today or for real data. */
      demoDay: demoDay(ctx.db),
      demoOnToday: setting('dataset') === 'demo' && setting(DEMO_DAY) === 'today',
    };
  }),
});

/** Joins slices; a name registered twice is a programming error caught at start-up. */
function merge<S extends Record<string, Handler>[]>(...slices: S): UnionToIntersection<S[number]> {
  const out: Record<string, Handler> = {};
  for (const s of slices) {
    for (const [k, h] of Object.entries(s)) {
      if (k in out) throw new Error(`handler ${k} registered twice`);
      out[k] = h;
    }
  }
  return out as UnionToIntersection<S[number]>;
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The whole API: every transport (in-process, IPC, HTTP) serves exactly this map. */
export const handlers = merge(
  enterprisesHandlers,
  incubationsHandlers,
  financingHandlers,
  startupMilestonesHandlers,
  leadsHandlers,
  pipelineHandlers,
  stageEventHandlers,
  activitiesHandlers,
  staffHandlers,
  industriesHandlers,
  plansHandlers,
  targetsHandlers,
  milestonesHandlers,
  searchHandlers,
  dashboardHandlers,
  importHandlers,
  exportHandlers,
  jobHandlers,
  reportHandlers,
  syncHandlers,
  hubHandlers,
  visitsHandlers,
  attachmentsHandlers,
  requestsHandlers,
  viewsHandlers,
  qualificationHandlers,
  metaHandlers,
  statsHandlers,
  backupHandlers,
  settingsHandlers,
);

export type Handlers = typeof handlers;
export type Method = keyof Handlers & string;
export type ApiInput<M extends Method> = z.input<Handlers[M]['input']>;
export type ApiOutput<M extends Method> = ReturnType<Handlers[M]['run']>;

/** The typed client every shell gives the renderer. */
export type Api = { [M in Method]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

export const handlerNames = Object.keys(handlers) as Method[];
export function isMethod(name: string): name is Method {
  return Object.hasOwn(handlers, name);
}
