import { useCallback, useEffect } from 'react';
import { api } from '../api/client';
import { afterFirstPaint } from '../lib/firstPaint';
import { useCoreData } from '../lib/useCoreData';

export type HubStatusValue = Awaited<ReturnType<(typeof api)['hub.status']>>;

/** How often the status is asked for while the database is linked to a hub (the link works in the core). */
const POLL_MS = 3000;

/** Every mounted status (the status bar, the Settings card): a connect or disconnect refreshes them all. */
const reloaders = new Set<() => void>();
export const refreshHubStatus = () => {
  for (const r of reloaders) r();
};

/**
 * The office hub's status for this database. Loaded again after every change event (merged changes,
 * local writes that wait to go up), and polled every few seconds while linked, since going offline or
 * coming back changes nothing in the database.
 */
export function useHubStatus(): { status: HubStatusValue | null; reload: () => Promise<void> } {
  const { data, reload } = useCoreData(() => afterFirstPaint(() => api['hub.status']({})), [], 'all');
  const linked = !!data && data.state !== 'off';
  const again = useCallback(() => void reload(), [reload]);
  useEffect(() => {
    reloaders.add(again);
    return () => void reloaders.delete(again);
  }, [again]);
  useEffect(() => {
    if (!linked) return;
    const timer = setInterval(again, POLL_MS);
    return () => clearInterval(timer);
  }, [linked, again]);
  return { status: data, reload };
}

/** Whether Settings must ask for the password again (the shell restarted; the web shell keeps none). */
export const needsPassword = (s: HubStatusValue): boolean =>
  !!s.url && (s.state === 'off' || s.error?.code === 'hub_password_needed' || s.error?.code === 'hub_auth');
