import { useSyncExternalStore } from 'react';

// The system's "reduce motion" setting (an accessibility setting: motion can make people unwell, and it
// costs a slow machine's CPU). Charts draw at once and grid rows jump to their places when it is on; the
// stylesheet turns transitions and animations off under the same media query.
const QUERY = '(prefers-reduced-motion: reduce)';

let query: MediaQueryList | undefined;

/** The one media query list, made when first asked for (every render reads it). */
function media(): MediaQueryList | undefined {
  if (!query && typeof window !== 'undefined') query = window.matchMedia?.(QUERY);
  return query;
}

function subscribe(changed: () => void): () => void {
  const m = media();
  m?.addEventListener('change', changed);
  return () => m?.removeEventListener('change', changed);
}

/** True while the system asks for reduced motion; follows the setting when it changes. */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => media()?.matches ?? false);
}
