import { useEffect, useState } from 'react';
import { api } from '../api/client';

/**
 * The database's today (`meta.info`): a demo database lives on its last day of history, and the
 * Overview counts as of that day, so a record a form dates on the computer's date (years later) would
 * be left out of every figure, and the core refuses a stage move dated after it. Every form that dates
 * something "today" takes its default from here.
 *
 * Kept while the computer's date stays the one it was asked on: a live database's today is the core's
 * clock's day where the computer is (core/util/day.ts), which moves at midnight while office desktops
 * stay open for days; a form opened after that asks again. A demo switched between its own day and today
 * reloads the page (App.tsx).
 */
let known: { day: string; askedOn: string } | null = null;

/** The computer's calendar day (the core's `today` is its clock's day in the same time zone, core/util/day.ts). */
const localDay = () => new Date().toDateString();
let asking: Promise<string> | null = null;


/** The day known, if it was asked for on the computer's present date; otherwise forgotten. */
function freshDay(): string | null {
  if (known && known.askedOn !== localDay()) {
    known = null;
    asking = null;
  }
  return known?.day ?? null;
}

export function databaseDay(): Promise<string> {
  freshDay();
  asking ??= api['meta.info']({}).then(
    (info) => {
      known = { day: info.today, askedOn: localDay() };
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
  known = { day, askedOn: localDay() };
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
