import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { cacheLanguageLookups } from '../../src/renderer/src/i18n/lookupCache';

/**
 * The renderer keeps i18next's per-call language lookup (lookupCache.ts): every t() must still answer as
 * without it, in either language, after a switch, with a fallback for keys one language lacks, and with a
 * one-off language or fallback; and the lookup is worked out once per language, not once per call.
 */
const resources = {
  'zh-CN': { translation: { hello: '你好', only: { zh: '只有中文' }, items_other: '{{count}} 项' } },
  en: { translation: { hello: 'Hello', items_one: '{{count}} item', items_other: '{{count}} items' } },
};

async function instance(cached: boolean) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'zh-CN', fallbackLng: 'zh-CN', load: 'currentOnly', resources, interpolation: { escapeValue: false } });
  const utils = i18n.services.languageUtils as { toResolveHierarchy: (code: unknown, fallback?: unknown) => string[] };
  const plain = utils.toResolveHierarchy.bind(utils);
  const calls = { n: 0 };
  utils.toResolveHierarchy = (code, fallback) => (calls.n++, plain(code, fallback));
  if (cached) cacheLanguageLookups(i18n);
  return { i18n, calls };
}

async function answers(i18n: typeof i18next): Promise<string[]> {
  const out: string[] = [];
  const ask = () => out.push(i18n.t('hello'), i18n.t('only.zh'), i18n.t('items', { count: 1 }), i18n.t('items', { count: 3 }), i18n.t('hello', { lng: 'en' }), i18n.t('hello', { fallbackLng: false }), i18n.t('only.zh', { lng: 'en', fallbackLng: ['en'] }), i18n.t('only.zh', { lng: 'en', fallbackLng: 'en' }));
  ask();
  await i18n.changeLanguage('en');
  ask();
  await i18n.changeLanguage('zh-CN');
  ask();
  return out;
}

describe('i18next language lookups kept per language', () => {
  it('answer every t() as i18next does without them, and work each lookup out once', async () => {
    const plain = await instance(false);
    const cached = await instance(true);
    const expected = await answers(plain.i18n);
    expect(expected).toContain('Hello');
    expect(expected).toContain('只有中文'); // en falls back to zh-CN for a key it lacks
    expect(await answers(cached.i18n)).toEqual(expected);
    // Worked out once per (language, fallback), plus the lookups given a list (not kept): far fewer than calls.
    expect(cached.calls.n).toBeLessThan(plain.calls.n / 2);
    const before = cached.calls.n;
    for (let i = 0; i < 100; i++) cached.i18n.t('hello');
    expect(cached.calls.n).toBe(before);
  });

  it('hands each caller its own list, so a caller that changes it changes no one else\'s', async () => {
    const { i18n } = await instance(true);
    const utils = i18n.services.languageUtils as { toResolveHierarchy: (code: string) => string[] };
    utils.toResolveHierarchy('en').push('xx');
    expect(utils.toResolveHierarchy('en')).toEqual(['en', 'zh-CN']);
  });
});
