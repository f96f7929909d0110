/**
 * The park's calendar: days as the people in the park live them, in the time zone of the computer
 * ParkPilot runs on. An office in Zhuhai (UTC+8) at 07:30 on 5 December is on the 5th, while UTC is still
 * on the 4th: a move-in dated that morning is not "after today", a visit logged then defaults to the 5th,
 * and a change made then counts from the 5th when targets are replayed as of a day.
 *
 * Instants (clock stamps, created_at, backup times) stay UTC ISO strings; only days are local.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar day (YYYY-MM-DD) of an instant, here. */
export function localDay(ms: number = Date.now()): string {
  const d = new Date(ms);
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The last millisecond of a calendar day here, as a UTC ISO string: what a clock stamp (which starts
 * with its UTC instant) is compared with to ask "written on or before that day?".
 */
export function endOfLocalDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(0);
  next.setFullYear(y, m - 1, d + 1); // setFullYear, not the constructor: years below 100 stay themselves
  next.setHours(0, 0, 0, 0);
  return new Date(next.getTime() - 1).toISOString();
}
