import { afterEach, describe, expect, it, vi, type Mock } from 'vitest';

vi.mock('../../src/renderer/src/api/client', () => ({ api: { 'meta.info': vi.fn() } }));
const { api } = await import('../../src/renderer/src/api/client');
const { databaseDay, noteDatabaseDay } = await import('../../src/renderer/src/lib/databaseDay');
const { decimalsOf, formatNumber } = await import('../../src/renderer/src/lib/format');

/**
 * The forms' "today" (lib/databaseDay.ts) is the database's day, asked once and kept, but only while the
 * computer's date stays the one it was asked on: a live database's day moves at the local midnight
 * while office desktops stay open for days.
 */
describe("the forms' today", () => {
  afterEach(() => vi.useRealTimers());

  it('is asked once a day, and again once the computer’s date has moved on', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T23:00:00Z'));
    const info = api['meta.info'] as unknown as Mock;
    info.mockResolvedValueOnce({ today: '2026-12-01' }).mockResolvedValueOnce({ today: '2026-12-02' });
    expect(await databaseDay()).toBe('2026-12-01');
    expect(await databaseDay()).toBe('2026-12-01');
    expect(info).toHaveBeenCalledTimes(1);
    vi.setSystemTime(new Date('2026-12-02T00:30:00Z'));
    expect(await databaseDay()).toBe('2026-12-02');
    expect(info).toHaveBeenCalledTimes(2);
    // The day the shell was told at start-up (App.tsx) serves until the date moves on too.
    noteDatabaseDay('2021-12-31');
    expect(await databaseDay()).toBe('2021-12-31');
    expect(info).toHaveBeenCalledTimes(2);
  });
});

describe("the history's numbers", () => {
  it('keep every stored digit (a change of 120.125 to 120.13 must not read 120.13 → 120.13)', () => {
    expect(decimalsOf(120.125, 6)).toBe(3);
    expect(decimalsOf(0.1 + 0.2, 6)).toBe(1);
    expect(decimalsOf(1500, 4)).toBe(0);
    expect(decimalsOf(12_345 / 10_000, 4)).toBe(4);
    expect(formatNumber(120.125, 'en', decimalsOf(120.125, 6))).not.toBe(formatNumber(120.13, 'en', decimalsOf(120.13, 6)));
  });
});
