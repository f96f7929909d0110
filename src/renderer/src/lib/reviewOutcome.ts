/**
 * Which of a conflict's two values a record's history strikes out: the one that did not stay. Open, or
 * settled by keeping the value that stayed: the overwritten one. Settled by taking the overwritten value:
 * the one that had stayed. Settled by typing another: both (the record's history shows the typed value).
 */
export function struckValues(status: 'open' | 'resolved', resolution: string | null): { kept: boolean; lost: boolean } {
  if (status !== 'resolved' || resolution === 'kept' || resolution === null) return { kept: false, lost: true };
  if (resolution === 'lost') return { kept: true, lost: false };
  return { kept: true, lost: true };
}
