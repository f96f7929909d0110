import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zh from './zh.json';

export type UiLocale = 'zh-CN' | 'en';
const STORAGE_KEY = 'parkpilot.locale';

export function savedLocale(): UiLocale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  // Chinese first: the park office's language, whatever the machine's browser locale says.
  return 'zh-CN';
}

export function rememberLocale(locale: UiLocale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export async function initI18n(locale: UiLocale): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = locale;
  return i18next;
}

/** Enum and industry labels come from the core (one source); add them as `enum.<name>.<code>`. */
export function addLabels(bundle: Record<string, Record<string, readonly [string, string]>>, industries: { id: string; name_zh: string; name_en: string }[]): void {
  const zhRes: Record<string, Record<string, string>> = {};
  const enRes: Record<string, Record<string, string>> = {};
  for (const [name, codes] of Object.entries(bundle)) {
    zhRes[name] = {};
    enRes[name] = {};
    for (const [code, [zhLabel, enLabel]] of Object.entries(codes)) {
      zhRes[name][code] = zhLabel;
      enRes[name][code] = enLabel;
    }
  }
  zhRes.industry = Object.fromEntries(industries.map((i) => [i.id, i.name_zh]));
  enRes.industry = Object.fromEntries(industries.map((i) => [i.id, i.name_en]));
  i18next.addResourceBundle('zh-CN', 'translation', { enum: zhRes }, true, true);
  i18next.addResourceBundle('en', 'translation', { enum: enRes }, true, true);
}
