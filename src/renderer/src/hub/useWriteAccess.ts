import { useTranslation } from 'react-i18next';
import { useHubStatus } from './useHubStatus';

export interface WriteAccess {
  canWrite: boolean;
  /** Why not, in the user's language (null when they may). */
  reason: string | null;
}

/**
 * Whether this desktop may change rows of `table` under its office-hub role (the core lists the tables
 * it may not, from the same rules its write path enforces). Screens grey out editing instead of letting
 * a person type an edit that would be refused.
 */
export function useWriteAccess(table: string): WriteAccess {
  const { t } = useTranslation();
  const status = useHubStatus().status;
  if (!status?.readOnly.includes(table as (typeof status.readOnly)[number])) return { canWrite: true, reason: null };
  return { canWrite: false, reason: t(status.role === 'viewer' ? 'hub.readOnlyHere' : 'hub.adminOnlyHere') };
}
