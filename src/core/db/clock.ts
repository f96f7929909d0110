/**
 * Hybrid logical clock (after Actual's crdt/timestamp.ts). A timestamp is
 * `<ISO millis>-<counter hex4>-<site id>`: it sorts as a string, never goes backwards on one site,
 * and two sites' stamps are totally ordered by the site id, which is what laptop merge needs.
 */

/**
 * How far ahead of this machine's clock a received stamp may be. A laptop whose date is wrong by more
 * would otherwise win every later conflict and drag every copy's clock into the future (Actual's
 * issues 3786 and 7106), so its package is refused with a message that names the device's date.
 */
export const MAX_CLOCK_AHEAD_MS = 10 * 60_000;
export interface ClockState {
  millis: number;
  counter: number;
}

export type Now = () => number;

export class HybridClock {
  constructor(
    readonly site: string,
    private state: ClockState,
    private readonly now: Now = Date.now,
  ) {
    if (!/^[0-9a-f]{16}$/.test(site)) throw new Error(`bad site id ${site}`);
  }

  /**
   * A new stamp for a local event. More than 65,536 events inside one millisecond (a bulk load on a
   * fast machine) borrow the next millisecond instead of failing: stamps stay unique and ordered, and
   * run at most a few milliseconds ahead of the wall clock.
   */
  tick(): string {
    const wall = this.now();
    if (wall > this.state.millis) this.state = { millis: wall, counter: 0 };
    else if (this.state.counter < 0xffff) this.state = { millis: this.state.millis, counter: this.state.counter + 1 };
    else this.state = { millis: this.state.millis + 1, counter: 0 };
    return format(this.state.millis, this.state.counter, this.site);
  }

  /** The wall-clock time of this machine (milliseconds), for checking received stamps. */
  wallTime(): number {
    return this.now();
  }

  /** Fold in a stamp received from another site so later local stamps sort after it. */
  receive(stamp: string): void {
    const remote = parse(stamp);
    const wall = this.now();
    const millis = Math.max(wall, this.state.millis, remote.millis);
    let counter = 0;
    if (millis === this.state.millis && millis === remote.millis) counter = Math.max(this.state.counter, remote.counter) + 1;
    else if (millis === this.state.millis) counter = this.state.counter + 1;
    else if (millis === remote.millis) counter = remote.counter + 1;
    this.state = counter > 0xffff ? { millis: millis + 1, counter: 0 } : { millis, counter };
  }

  snapshot(): ClockState {
    return { ...this.state };
  }
}

export function format(millis: number, counter: number, site: string): string {
  return `${new Date(millis).toISOString()}-${counter.toString(16).padStart(4, '0')}-${site}`;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)-([0-9a-f]{4})-([0-9a-f]{16})$/;

/** Whether `parse` accepts `stamp` (a merge checks every received stamp; it needs the time of one). */
export const isStamp = (stamp: string): boolean => STAMP.test(stamp);

export function parse(stamp: string): ClockState & { site: string } {
  const m = STAMP.exec(stamp);
  if (!m) throw new Error(`bad clock stamp ${stamp}`);
  return { millis: Date.parse(m[1]!), counter: parseInt(m[2]!, 16), site: m[3]! };
}
