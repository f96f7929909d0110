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

export function formatNumber(value: number | null | undefined, locale: string, digits = 0): string {
  if (value == null) return '';
  return numberFormat(locale, digits).format(value);
}

export function formatWan(yuan: number | null | undefined, locale: string): string {
  if (yuan == null) return '';
  return formatNumber(yuan / 10_000, locale, yuan % 10_000 === 0 ? 0 : 2);
}

export const wanToYuan = (wan: number) => Math.round(wan * 10_000);

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(locale, 'date').format(d);
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return dateFormat(locale, 'dateTime').format(new Date(iso));
}
