import { describe, expect, it } from 'vitest';
import { cliLocale } from '../../src/cli/locale';
import { normalisePeriod, parsePeriod } from '../../src/core/reports/model';

describe('the command line\'s language', () => {
  it('--lang wins over everything, in its usual spellings, and refuses other languages', () => {
    expect(cliLocale('zh-CN', { LANG: 'en_US.UTF-8' }, 'en-US')).toBe('zh-CN');
    expect(cliLocale('zh', {}, 'en-US')).toBe('zh-CN');
    expect(cliLocale('en', { LANG: 'zh_CN.UTF-8' }, 'zh-CN')).toBe('en');
    expect(() => cliLocale('fr', {}, 'en-US')).toThrow(/zh-CN or en/);
  });

  it('takes LC_ALL, LC_MESSAGES and LANG in that order, skipping the C locale', () => {
    expect(cliLocale(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'en-US')).toBe('zh-CN');
    expect(cliLocale(undefined, { LC_MESSAGES: 'zh_CN.GB18030' }, 'en-US')).toBe('zh-CN');
    expect(cliLocale(undefined, { LANG: 'en_GB.UTF-8' }, 'zh-CN')).toBe('en');
    expect(cliLocale(undefined, { LANG: 'C.UTF-8' }, 'zh-CN')).toBe('zh-CN');
  });

  it('without any locale variable (Windows), the operating system\'s locale decides', () => {
    expect(cliLocale(undefined, {}, 'zh-CN')).toBe('zh-CN');
    expect(cliLocale(undefined, {}, 'zh-Hans-CN')).toBe('zh-CN');
    expect(cliLocale(undefined, {}, 'en-US')).toBe('en');
    expect(cliLocale(undefined, {}, 'de-DE')).toBe('en');
  });
});

describe('report periods as people type them', () => {
  it('accepts the Chinese forms, the short forms and full-width digits', () => {
    const cases: [string, string][] = [
      ['2020', '2020'], ['2020年', '2020'], ['2020年度', '2020'], ['２０２０年', '2020'],
      ['2020-Q4', '2020-Q4'], ['2020q4', '2020-Q4'], ['2020 Q4', '2020-Q4'], ['2020年第四季度', '2020-Q4'], ['2020年第4季度', '2020-Q4'],
      ['2020年四季度', '2020-Q4'], ['2020年Q1', '2020-Q1'], ['2020 年 第 二 季度', '2020-Q2'],
      ['2020-12', '2020-12'], ['2020-1', '2020-01'], ['2020/12', '2020-12'], ['2020.3', '2020-03'], ['2020年12月', '2020-12'],
      ['2020年十二月', '2020-12'], ['2020年3月份', '2020-03'], ['202012', '2020-12'],
    ];
    for (const [text, canonical] of cases) expect(normalisePeriod(text), text).toBe(canonical);
    expect(parsePeriod('2020年第四季度')).toEqual({ label: '2020年第4季度', from: '2020-10-01', to: '2020-12-31' });
  });

  it('refuses what is not a period', () => {
    for (const text of ['2020-13', '2020年第五季度', '20', '下个月', '2020-Q0', '']) expect(normalisePeriod(text), text).toBeNull();
  });
});
