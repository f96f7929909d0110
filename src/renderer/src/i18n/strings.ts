import type { UiLocale } from './locale';

/**
 * The interface strings, one chunk per language: a start shows one language, so only that one is
 * downloaded and parsed (the entry asks for it at once, beside the app's script); the other is loaded
 * when the user switches to it.
 */
const load: Record<UiLocale, () => Promise<{ default: Record<string, unknown> }>> = {
  'zh-CN': () => import('./zh.json'),
  en: () => import('./en.json'),
};
const asked = new Map<UiLocale, Promise<Record<string, unknown>>>();

export function loadStrings(locale: UiLocale): Promise<Record<string, unknown>> {
  let strings = asked.get(locale);
  if (!strings) {
    strings = load[locale]().then((m) => m.default);
    asked.set(locale, strings);
    strings.catch(() => asked.delete(locale)); // a failed chunk load may be retried
  }
  return strings;
}
