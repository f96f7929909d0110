import { useEffect, useState } from 'react';
import { api } from '../api/client';

/**
 * The database's today (`meta.info`): a demo database lives on its last day of history, and the
 * Overview counts as of that day, so a record a form dates on the computer's date (years later) would
 * be left out of every figure, and the core refuses a stage move dated after it. Every form that dates
 * something "today" takes its default from here.
 *
 * Kept while the computer's (UTC) date stays the one it was asked on: a live database's today is the
 * core's clock's date, which moves at midnight UTC (08:00 in China) while office desktops stay open
 * for days; a form opened after that asks again. A demo switched between its own day and today
 * reloads the page (App.tsx).
 */
let known: { day: string; askedOn: string } | null = null;
let asking: Promise<string> | null = null;

const clockDay = () => new Date().toISOString().slice(0, 10);

/** The day known, if it was asked for on the computer's present date; otherwise forgotten. */
function freshDay(): string | null {
  if (known && known.askedOn !== clockDay()) {
    known = null;
    asking = null;
  }
  return known?.day ?? null;
}

export function databaseDay(): Promise<string> {
  freshDay();
  asking ??= api['meta.info']({}).then(
    (info) => {
      known = { day: info.today, askedOn: clockDay() };
      return info.today;
    },
    (err: unknown) => {
      asking = null;
      throw err;
    },
  );
  return asking;
}

/** The shell has `meta.info` already (App.tsx asks for it at start-up): forms opened later need not ask. */
export function noteDatabaseDay(day: string): void {
  known = { day, askedOn: clockDay() };
  asking = Promise.resolve(day);
}

/** The database's today; null for the moment until the first answer (then every form has it at once). */
export function useDatabaseDay(): string | null {
  const [day, setDay] = useState(freshDay);
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
