/**
 * Unified Social Credit Code (GB 32100-2015). 18 characters from 0-9A-HJ-NP-RTUW-Y (no I, O, S, V, Z).
 * Position 18 is a mod-31 check over the first 17; positions 9–17 are the GB 11714 organisation code,
 * whose last character is its own mod-11 check (10 → X). Codes may begin with letters (A, N, Y …).
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type UsccProblem = 'length' | 'charset' | 'orgCheck' | 'check';

/**
 * Upper-cases and strips spaces, the forms people paste from documents; full-width letters and
 * digits (ＡＢＣ１２３, typed with a Chinese input method) become their ASCII forms (NFKC).
 */
export function normalizeUscc(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s\u3000-]/g, '').toUpperCase();
}

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_ALPHABET.indexOf(first8[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Returns the first problem found, or null when the code is valid. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!ALPHABET.includes(ch)) return 'charset';
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) return 'orgCheck';
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

export const isValidUscc = (code: string): boolean => usccProblem(code) === null;

/** Builds a valid code from its first 16 characters (used by the demo generator and tests). */
export function completeUscc(first16: string): string {
  const org = first16 + orgCodeCheckChar(first16.slice(8, 16));
  return org + usccCheckChar(org);
}
