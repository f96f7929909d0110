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
