import type { i18n as I18n } from 'i18next';

/**
 * i18next works out which languages to look a key up in (the language, then the fallbacks, each code
 * canonicalised through Intl) on every t() call: hundreds of times for one screen, always the same answer
 * while the options stay as they are (they are set once, by init). Kept per language and fallback here;
 * each caller gets its own copy of the list.
 */
export function cacheLanguageLookups(i18n: Pick<I18n, 'services'>): void {
  const utils = i18n.services.languageUtils as { toResolveHierarchy: (code: unknown, fallback?: unknown) => string[] };
  const work = utils.toResolveHierarchy.bind(utils);
  const known = new Map<string, string[]>();
  utils.toResolveHierarchy = (code, fallback) => {
    // Only plain codes are kept; a fallback given as a list, a map or a function is worked out each time.
    if (typeof code !== 'string' || (fallback !== undefined && typeof fallback !== 'string')) return work(code, fallback);
    const key = `${code}\u0000${fallback ?? ''}`;
    let codes = known.get(key);
    if (!codes) known.set(key, (codes = work(code, fallback)));
    return codes.slice();
  };
}
