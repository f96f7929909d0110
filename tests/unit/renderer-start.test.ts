import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatWan } from '../../src/renderer/src/lib/format';
import { peekPrefetched, prefetch, takePrefetched } from '../../src/renderer/src/lib/prefetch';

/**
 * Pieces of the renderer's cold start that run without a DOM: formatters made once per locale and style
 * (lib/format.ts) must format exactly as fresh ones, and an answer prefetched at start-up is shown by the
 * first render (peekPrefetched) and then handed, the same answer, to the screen's load (takePrefetched).
 */
describe('cached formatters', () => {
  it('format as a fresh Intl formatter does, whatever the order of locales and digits', () => {
    const fresh = (v: number, locale: string, digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
    const cases: [number, string, number][] = [
      [1234567, 'zh-CN', 0], [1234567.891, 'zh-CN', 2], [1234567.891, 'en', 1], [0.5, 'en', 0], [1234567, 'en', 0], [12.3456, 'zh-CN', 1], [1234567.891, 'zh-CN', 0],
    ];
    for (const [value, locale, digits] of cases) expect(formatNumber(value, locale, digits)).toBe(fresh(value, locale, digits));
    expect(formatWan(123_4500, 'zh-CN')).toBe(fresh(123.45, 'zh-CN', 2));
    expect(formatWan(1_000_000, 'en')).toBe(fresh(100, 'en', 0));
    expect(formatNumber(null, 'en')).toBe('');
  });

  it('keep dates and date-times apart per locale', () => {
    const day = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date('2020-12-31T00:00:00Z'));
    const zhDay = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date('2020-12-31T00:00:00Z'));
    const stamp = '2020-12-31T08:30:00Z';
    const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(stamp));
    expect(formatDate('2020-12-31', 'en')).toBe(day);
    expect(formatDateTime(stamp, 'en')).toBe(dateTime);
    expect(formatDate('2020-12-31', 'zh-CN')).toBe(zhDay);
    expect(formatDate('2020-12-31', 'en')).toBe(day);
    expect(formatDate('not a date', 'en')).toBe('not a date');
  });
});

describe('numbers and days written without Intl (the cold start skips loading ICU)', () => {
  // A seeded generator: the same values on every run, so a failure can be replayed.
  let seed = 14;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const intl = new Map<string, Intl.NumberFormat>();
  const intlNumber = (v: number, locale: string, digits: number) => {
    const key = `${locale}|${digits}`;
    if (!intl.has(key)) intl.set(key, new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }));
    return intl.get(key)!.format(v);
  };

  it('writes every number as Intl does in both UI languages: grouping, rounding of halves, signs, zeros', () => {
    const values = [0, -0, 1, -1, 0.5, 1.5, 2.5, -0.5, -0.4, -0.04, 0.045, 1.005, 2.675, 999, 1000, -1000, 999.995, 999999.5, 1234567.891, 1e15, 123456789012345680000, 1e21, -1e21, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Infinity, -Infinity, NaN];
    for (let i = 0; i < 1000; i++) {
      const scale = 10 ** Math.floor(random() * 16 - 4);
      const v = (random() - 0.3) * scale;
      values.push(v, Math.round(v * 100) / 100 + 0.005, Math.round(v) + 0.5);
    }
    for (const locale of ['zh-CN', 'en']) {
      for (const digits of [0, 1, 2, 3]) {
        for (const v of values) expect(formatNumber(v, locale, digits), `${v} in ${locale} to ${digits} places`).toBe(intlNumber(v, locale, digits));
      }
    }
    expect(formatNumber(1234.5, 'de', 1)).toBe(intlNumber(1234.5, 'de', 1)); // another locale: Intl's own answer
  });

  it('writes every day as Intl does in both UI languages, and leaves far years to Intl', () => {
    const intlDays = new Map(['zh-CN', 'en', 'fr'].map((l) => [l, new Intl.DateTimeFormat(l, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })]));
    const intlDay = (iso: string, locale: string) => intlDays.get(locale)!.format(new Date(`${iso}T00:00:00Z`));
    const days: string[] = ['0999-12-31', '1000-01-01', '9999-12-31', '1900-02-28', '2000-02-29', '2024-02-29'];
    for (let t = Date.UTC(2015, 0, 1); t <= Date.UTC(2030, 11, 31); t += 86_400_000 * 3) days.push(new Date(t).toISOString().slice(0, 10));
    for (const locale of ['zh-CN', 'en']) for (const iso of days) expect(formatDate(iso, locale), `${iso} in ${locale}`).toBe(intlDay(iso, locale));
    expect(formatDate('2020-12-31T23:59:59Z', 'zh-CN')).toBe(intlDay('2020-12-31', 'zh-CN'));
    expect(formatDate('2020-12-31', 'fr')).toBe(intlDay('2020-12-31', 'fr'));
  });
});

describe('start-up prefetch', () => {
  it('is seen by the first render once it has arrived, then taken once by the load', async () => {
    const answer = { enterprises: 42 };
    let asked = 0;
    const promise = prefetch('test.peek', async () => (asked++, answer));
    expect(peekPrefetched('test.peek')).toBeUndefined(); // not arrived yet
    await promise;
    expect(peekPrefetched('test.peek')).toBe(answer);
    expect(peekPrefetched('test.peek')).toBe(answer); // peeking does not take it
    expect(await takePrefetched('test.peek', async () => ({ enterprises: -1 }))).toBe(answer);
    expect(asked).toBe(1);
    expect(peekPrefetched('test.peek')).toBeUndefined(); // taken: a later screen asks the core again
    expect(await takePrefetched('test.peek', async () => ({ enterprises: 7 }))).toEqual({ enterprises: 7 });
  });

  it('shows nothing for a failed answer, and the load reports the failure', async () => {
    const failed = prefetch('test.failed', () => Promise.reject(new Error('core gone')));
    await failed.catch(() => undefined);
    expect(peekPrefetched('test.failed')).toBeUndefined();
    await expect(takePrefetched('test.failed', async () => 'fresh')).rejects.toThrow('core gone');
  });
});
