import type { Locale } from '../core/errors';

/**
 * The command's language. `--lang` wins; then the POSIX locale variables (LC_ALL, LC_MESSAGES,
 * LANG: Linux and macOS terminals); then the operating system's locale as the runtime's Intl knows
 * it, which is what Windows offers (it sets no LANG, so a Chinese office's scheduled report would
 * otherwise come out in English).
 */
export function cliLocale(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, osLocale: string = Intl.DateTimeFormat().resolvedOptions().locale): Locale {
  if (flag !== undefined) {
    const chosen = pick(flag);
    if (!chosen) throw new LangError(flag);
    return chosen;
  }
  for (const v of [env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!v || v === 'C' || v === 'POSIX' || v.startsWith('C.')) continue; // "C" says nothing about a language
    return pick(v) ?? 'en';
  }
  return pick(osLocale) ?? 'en';
}

/** zh, zh-CN, zh_CN.UTF-8, zh-Hans-CN → zh-CN; en, en-US, en_GB.UTF-8 → en. */
function pick(tag: string): Locale | null {
  const t = tag.toLowerCase().replace('_', '-');
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

export class LangError extends Error {
  constructor(value: string) {
    super(`--lang ${value}: use zh-CN or en`);
  }
}
