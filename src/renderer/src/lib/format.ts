/** Numbers, money and dates in the UI language's conventions. Money is stored in yuan, shown in 万元. */
export function formatNumber(value: number | null | undefined, locale: string, digits = 0): string {
  if (value == null) return '';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
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
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
