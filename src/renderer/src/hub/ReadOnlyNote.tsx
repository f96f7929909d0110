import type { WriteAccess } from './useWriteAccess';

/** Why a panel offers no editing (a read-only role on the office hub); nothing when the person may write. */
export function ReadOnlyNote({ access }: { access: WriteAccess }) {
  return access.reason ? <p className="muted small" role="note">{access.reason}</p> : null;
}
