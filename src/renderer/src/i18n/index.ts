import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { api } from '../api/client';
import { takePrefetched } from '../lib/prefetch';
import { STORAGE_KEY, type UiLocale } from './locale';
import { cacheLanguageLookups } from './lookupCache';
import { loadStrings } from './strings';

export { savedLocale, type UiLocale } from './locale';

export function rememberLocale(locale: UiLocale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export async function initI18n(locale: UiLocale): Promise<typeof i18next> {
  const strings = await loadStrings(locale);
  await i18next.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'zh-CN',
    // Resources exist only under 'zh-CN' and 'en': without this every t() also looks in 'zh', and works out
    // that list again (canonicalising the codes through Intl) on each call, hundreds of times per screen.
    load: 'currentOnly',
    resources: { [locale]: { translation: strings } },
    interpolation: { escapeValue: false },
  });
  cacheLanguageLookups(i18next);
  document.documentElement.lang = locale;
  return i18next;
}

/** Switches the interface language, its strings loaded first if this is their first use. */
export async function switchLanguage(locale: UiLocale): Promise<void> {
  if (!switched.has(locale) && locale !== i18next.options.lng) {
    // Deep and without overwriting: the labels from the core (addLabels) may already be there.
    i18next.addResourceBundle(locale, 'translation', await loadStrings(locale), true, false);
  }
  switched.add(locale);
  await i18next.changeLanguage(locale);
}
const switched = new Set<UiLocale>();

type Named = { id: string; name_zh: string; name_en: string };

/**
 * Enum, industry and lead-stage labels come from the core (one source); added as `enum.<name>.<code>`.
 * Industries and lead stages are edited in Settings, so they are read from the database.
 */
export function addLabels(bundle: Record<string, Record<string, readonly [string, string]>>, industries: Named[], leadStages: Named[]): void {
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
  zhRes.leadStage = Object.fromEntries(leadStages.map((i) => [i.id, i.name_zh]));
  enRes.leadStage = Object.fromEntries(leadStages.map((i) => [i.id, i.name_en]));
  // Replace, not merge, the database-driven lists so a deleted stage or industry disappears.
  for (const lng of ['zh-CN', 'en']) {
    const current = (i18next.getResourceBundle(lng, 'translation') as { enum?: Record<string, unknown> } | undefined)?.enum;
    if (current) for (const key of ['industry', 'leadStage']) delete current[key];
  }
  i18next.addResourceBundle('zh-CN', 'translation', { enum: zhRes }, true, true);
  i18next.addResourceBundle('en', 'translation', { enum: enRes }, true, true);
}

/** Reloads the database-driven labels (after industries or stages change). */
export async function reloadLabels(): Promise<void> {
  // At start-up the entry has already asked for these (main.tsx); later reloads ask the core again.
  const [enums, industries, stages] = await Promise.all([
    takePrefetched('meta.enums', () => api['meta.enums']({})),
    takePrefetched('industries.list', () => api['industries.list']({})),
    takePrefetched('pipeline.stages', () => api['pipeline.stages']({})),
  ]);
  addLabels(enums, industries, stages);
}
