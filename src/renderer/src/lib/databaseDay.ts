import { useEffect, useState } from 'react';
import { api } from '../api/client';

/**
 * The database's today (`meta.info`): a demo database lives on its last day of history, and the
 * Overview counts as of that day, so a record a form dates on the computer's date (years later) would
 * be left out of every figure, and the core refuses a stage move dated after it. Every form that dates
 * something "today" takes its default from here.
 *
 * Asked for once per page: the day changes only when the user switches a demo database between its
 * own day and today, and that reloads the page (App.tsx).
 */
let known: string | null = null;
let asking: Promise<string> | null = null;

export function databaseDay(): Promise<string> {
  asking ??= api['meta.info']({}).then(
    (info) => (known = info.today),
    (err: unknown) => {
      asking = null;
      throw err;
    },
  );
  return asking;
}

/** The shell has `meta.info` already (App.tsx asks for it at start-up): forms opened later need not ask. */
export function noteDatabaseDay(day: string): void {
  known = day;
  asking ??= Promise.resolve(day);
}

/** The database's today; null for the moment until the first answer (then every form has it at once). */
export function useDatabaseDay(): string | null {
  const [day, setDay] = useState(known);
  useEffect(() => {
    if (day) return;
    let live = true;
    databaseDay().then((d) => live && setDay(d), () => undefined);
    return () => {
      live = false;
    };
  }, [day]);
  return day;
}
