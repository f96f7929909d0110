import { readFileSync, writeFileSync } from 'node:fs';
import type { Locale } from '../core/errors';

/**
 * Chromium's own locale (the date fields' mm/dd/yyyy or yyyy/mm/dd, the built-in dialogs, app.getLocale)
 * is fixed when the app starts, from the `lang` switch. The app's language is chosen in the window and
 * comes with every call (ipc.ts); the shell keeps the last one in a file of its own, so the next start
 * sets Chromium to it. Chinese without one, as the window does (renderer/src/i18n/locale.ts).
 */
export function chromiumLang(file: string): 'zh-CN' | 'en-US' {
  let saved = '';
  try {
    saved = readFileSync(file, 'utf8').trim();
  } catch {
    // no file yet: the first start
  }
  return saved === 'en' ? 'en-US' : 'zh-CN';
}

/** Remembers the window's language for the next start; writes only when it changed. */
export function uiLocaleKeeper(file: string): (locale: Locale) => void {
  let last = chromiumLang(file) === 'en-US' ? 'en' : 'zh-CN';
  return (locale) => {
    if (locale === last) return;
    last = locale;
    try {
      writeFileSync(file, locale);
    } catch {
      // a read-only profile: the date fields keep the language the app started in
    }
  };
}
