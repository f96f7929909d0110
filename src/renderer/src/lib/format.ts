/** Numbers, money and dates in the UI language's conventions. Money is stored in yuan, shown in 万元. */

/**
 * One formatter per locale and style, made on first use: building an Intl formatter costs far more than
 * formatting with one (tens of microseconds against one or two), and a screen formats hundreds of values
 * (the Overview's cards on a cold start, a grid's every cell on every scroll).
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return format;
}

function dateFormat(locale: string, style: 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${locale}|${style}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = style === 'date' ? { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' };
    dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  }
  return format;
}

/**
 * The two UI languages write numbers alike: ASCII digits, ',' between groups of three, '.' before the
 * decimals, '-' for a negative. Written here, without Intl: a page's first Intl formatter (of any kind)
 * loads V8's ICU data, 50-150 ms of a cold start's main thread, and the Overview's first screen shows only
 * numbers and days. Intl rounds the shortest decimal that reads back as the value (what String(value)
 * shows), half away from zero; so does this. Values that are not finite go to Intl; the unit test checks
 * both paths give the same text.
 */
const PLAIN_LOCALES = new Set(['zh-CN', 'en']);

function plainNumber(value: number, digits: number): string | undefined {
  if (!Number.isFinite(value) || digits > 20) return undefined;
  // The shortest round-trip digits and where the decimal point goes among them.
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e') as [string, string];
  let all = mantissa.replace('.', '');
  let point = Number(exponent) + 1;
  if (point <= 0) {
    all = '0'.repeat(1 - point) + all;
    point = 1;
  }
  all = all.padEnd(point + digits, '0');
  const kept = all.slice(0, point + digits);
  const roundUp = (all[point + digits] ?? '0') >= '5';
  let rounded = roundUp ? (BigInt(kept) + 1n).toString().padStart(kept.length, '0') : kept;
  if (rounded.length > kept.length) point += 1; // 999.5 → 1000
  const whole = rounded.slice(0, point).replace(/^0+(?=\d)/, '');
  rounded = rounded.slice(point);
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += `,${whole.slice(i, i + 3)}`;
  // Intl writes a negative that rounds to zero, and -0 itself, as "-0".
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return sign + grouped + (digits > 0 ? `.${rounded}` : '');
}

export function formatNumber(value: number | null | undefined, locale: string, digits = 0): string {
  if (value == null) return '';
  return (PLAIN_LOCALES.has(locale) ? plainNumber(value, digits) : undefined) ?? numberFormat(locale, digits).format(value);
}

export function formatWan(yuan: number | null | undefined, locale: string): string {
  if (yuan == null) return '';
  return formatNumber(yuan / 10_000, locale, yuan % 10_000 === 0 ? 0 : 2);
}

/** The decimal places `value` has (at most `most`, which also drops a float's noise: 0.1 + 0.2 has 1). */
export function decimalsOf(value: number, most: number): number {
  const fraction = Number(value.toFixed(most)).toString().split('.')[1];
  return fraction?.length ?? 0;
}

export const wanToYuan = (wan: number) => Math.round(wan * 10_000);

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return plainDate(d, locale) ?? dateFormat(locale, 'date').format(d);
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day as Intl writes it with { year: numeric, month: short, day: numeric } in the two UI languages (see plainNumber). */
function plainDate(d: Date, locale: string): string | undefined {
  const year = d.getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined; // eras and padding: Intl's business
  if (locale === 'zh-CN') return `${year}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  if (locale === 'en') return `${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${year}`;
  return undefined;
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return dateFormat(locale, 'dateTime').format(new Date(iso));
}
