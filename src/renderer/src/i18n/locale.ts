export type UiLocale = 'zh-CN' | 'en';
export const STORAGE_KEY = 'parkpilot.locale';

/** The saved UI language; kept apart from i18next so the start-up entry can read it without loading it. */
export function savedLocale(): UiLocale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  // Chinese first: the park office's language, whatever the machine's browser locale says.
  return 'zh-CN';
}
