import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { afterFirstPaint } from './firstPaint';
import type { ErrorPayload } from '../../../core/errors';

/**
 * Null while the database is sound; else SQLite's description of the damage. Set by the background
 * quick check that runs after the file opens (polled until it ends) or by any call that hits damage.
 */
export function useDatabaseDamage(subscribe: (listener: (e: ErrorPayload) => void) => () => void): string | null {
  const [damage, setDamage] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (tries: number) => {
      afterFirstPaint(() => api['backups.health']({})).then((h) => {
        if (stopped) return;
        if (h.state === 'damaged') setDamage(h.detail ?? '');
        else if (h.state === 'checking' && tries > 0) timer = setTimeout(() => poll(tries - 1), 2000);
      }, () => {});
    };
    poll(150);
    const unsubscribe = subscribe((e) => setDamage(String(e.params?.detail ?? e.message)));
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [subscribe]);
  return damage;
}
