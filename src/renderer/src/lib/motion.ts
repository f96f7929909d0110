import { useSyncExternalStore } from 'react';

// The system's "reduce motion" setting (an accessibility setting: motion can make people unwell, and it
// costs a slow machine's CPU). Charts draw at once and grid rows jump to their places when it is on; the
// stylesheet turns transitions and animations off under the same media query.
const QUERY = '(prefers-reduced-motion: reduce)';

function media(): MediaQueryList | undefined {
  return typeof window === 'undefined' ? undefined : window.matchMedia?.(QUERY);
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
