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
 * the labels, instead of one after another once the shell has rendered.
 */
export function prefetchOverview(): void {
  void import('./Overview');
  const info = prefetch('meta.info', () => api['meta.info']({}));
  // With no remembered day the Overview opens on the core's today, which is also what the dashboard
  // answers for when asked without a day: ask for both at once rather than one after the other.
  const stored = sessionStorage.getItem(AS_OF_KEY);
  const today = stored ? null : api['dashboard.overview']({});
  today?.catch(() => undefined);
  void info.then(
    (i) => {
      const asOf = initialAsOf(i.today);
      prefetch(dashboardKey(asOf), () => (today && asOf === i.today ? today : api['dashboard.overview']({ asOf })));
    },
    () => undefined,
  );
}
