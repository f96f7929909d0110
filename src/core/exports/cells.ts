/**
 * Cell values on the way out. Text that a spreadsheet would evaluate gets a leading apostrophe; imports
 * take it off again. That is text beginning with = + - @ (or their full-width forms), also behind
 * whitespace, line breaks, control characters or zero-width characters — spreadsheets skip those
 * (LibreOffice evaluates "\0=1+1" from a CSV) — and text beginning with a tab or carriage return.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this must see past
export const FORMULA_LIKE = /^(?:[\s\x00-\x1f\x7f\u200b-\u200f\u2060\ufeff]*[=+\-@＝＋－＠]|[\t\r])/;

export function neutralise(text: string): string {
  return FORMULA_LIKE.test(text) ? `'${text}` : text;
}

/** Display width in character cells: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export type ColumnKind = 'text' | 'number' | 'money' | 'date';

export interface OutColumn {
  key: string;
  header: string;
  kind: ColumnKind;
}

/** Money is stored in yuan; sheets show 万元 (or 千元 for the Torch return). */
export function moneyValue(yuan: unknown, divisor: number): number | null {
  return typeof yuan === 'number' ? yuan / divisor : null;
}
