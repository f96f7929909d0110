import { api } from '../api/client';
import { prefetch } from '../lib/prefetch';

/** The Overview's as-of day, kept for the session (Overview.tsx). */
export const AS_OF_KEY = 'parkpilot.asOf';

/** The day the Overview opens on: the remembered one, unless it is after "today" (a demo's last day). */
export function initialAsOf(today: string): string {
  const stored = sessionStorage.getItem(AS_OF_KEY);
  return stored && stored <= today ? stored : today;
}

export const dashboardKey = (asOf: string) => `dashboard.overview:${asOf}`;

/**
 * A cold start on the Overview: its code, the core's "today" and the dashboard load side by side with
 * the labels, instead of one after another once the shell has rendered. The entry (main.ts) has asked
 * for meta.info (`info`, prefetched under its name for the shell) and, when no day is remembered, for
 * the dashboard without a day (`today`: the core's today).
 */
export function prefetchOverview(info: Promise<{ today: string }>, today: Promise<unknown> | null): void {
  void import('./Overview');
  today?.catch(() => undefined);
  void info.then(
    (i) => {
      const asOf = initialAsOf(i.today);
      prefetch(dashboardKey(asOf), () => (today && asOf === i.today ? today : api['dashboard.overview']({ asOf })));
    },
    () => undefined,
  );
}
