import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The operations report as printed (issue 11, "Reports"): key figures with 同比/环比, no near-empty
 * page, numbers and dates never broken over two lines, and an English report with no Chinese but the
 * companies' names. Read back with poppler (pdftotext -bbox gives each word with its box).
 */
const dir = mkdtempSync(join(tmpdir(), 'parkpilot-report-pdf-'));
const db = join(dir, 'demo.db');

interface Word { text: string; xMin: number; yMin: number; yMax: number }
interface Page { width: number; height: number; words: Word[] }

function pages(pdf: string): Page[] {
  const html = spawnSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' }).stdout;
  return [...html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
    words: [...m[3]!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((w) => ({
      xMin: Number(w[1]), yMin: Number(w[2]), yMax: Number(w[3]), text: w[4]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'),
    })),
  }));
}

/** The words of the page body: not the running header (top margin) or the page number (bottom margin). */
const MM = 72 / 25.4;
const body = (p: Page) => p.words.filter((w) => w.yMin > 20 * MM && w.yMax < p.height - 18 * MM);

function report(period: string, lang: 'zh-CN' | 'en'): Page[] {
  const pdf = join(dir, `ops-${period}-${lang}.pdf`);
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', 'report', '--db', db, '--kind', 'operations', '--period', period, '--format', 'pdf', '--out', pdf, '--lang', lang], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return pages(pdf);
}

test.beforeAll(() => {
  expect(spawnSync(process.execPath, ['bin/parkpilot.js', 'demo', '--db', db], { encoding: 'utf8' }).status).toBe(0);
});

for (const [period, lang] of [['2020-Q4', 'zh-CN'], ['2020', 'en'], ['2020-12', 'en'], ['2020', 'zh-CN']] as const) {
  test(`operations report ${period} (${lang}): no near-empty page, numbers and dates on one line`, () => {
    const printed = report(period, lang);
    expect(printed.length).toBeGreaterThan(2);
    printed.forEach((p, i) => {
      const words = body(p);
      const chars = words.reduce((n, w) => n + w.text.length, 0);
      const bottom = Math.max(0, ...words.map((w) => w.yMax)) / p.height;
      if (i === 0) return; // the cover is a cover
      // A page before the last is filled at least half way down; the last holds at least a section.
      if (i < printed.length - 1) expect(bottom, `page ${i + 1} of ${printed.length} ends at ${Math.round(bottom * 100)}%`).toBeGreaterThan(0.5);
      expect(chars, `page ${i + 1} of ${printed.length} has ${chars} characters`).toBeGreaterThan(60);
    });
    const words = printed.flatMap(body).map((w) => w.text);
    // A date or a number broken over two lines leaves a dangling piece: "2020-" then "11-30", "3,6" then "50".
    expect(words.filter((w) => /^\d{4}-$|^\d{4}-\d{2}-$|^\d{1,3},$/.test(w))).toEqual([]);
    expect(words.filter((w) => /^(19|20)\d{2}-\d{2}-\d{2}$/.test(w)).length).toBeGreaterThan(10);
  });
}

test('key figures compare with the same period last year and the previous period', () => {
  const text = report('2020-Q4', 'zh-CN').slice(1, 3).flatMap(body).map((w) => w.text).join(' ');
  for (const header of ['本期', '上年同期', '同比增减', '上期', '环比增减']) expect(text).toContain(header);
  expect(text).toMatch(/上年同期 2019-10-01 至 2019-12-31；上期 2020-07-01 至 2020-09-30/);
  expect(text).toMatch(/[+−]\d+ \([+−]\d+\.\d%\)/);
});

test('the English report has no Chinese but the names of companies (first column of the company lists)', () => {
  for (const p of report('2020', 'en')) {
    const chinese = p.words.filter((w) => /[\u4e00-\u9fff]/.test(w.text));
    // Company names wrap inside their column, the first one of the entries and exits tables.
    expect(chinese.filter((w) => w.xMin > p.width * 0.3).map((w) => w.text)).toEqual([]);
    for (const w of chinese) expect(w.text).toMatch(/^[\u4e00-\u9fff（）()A-Za-z0-9]+$/);
  }
  const text = report('2020', 'en').flatMap((p) => p.words.map((w) => w.text)).join(' ');
  expect(text).toContain('Same period last year');
  expect(text).toContain('Zhuhai National Big'); // the plan's English title (it wraps in its column)
  expect(text).toMatch(/3–5 companies/);
  expect(text).not.toMatch(/第\s*\d+\s*页/);
});
