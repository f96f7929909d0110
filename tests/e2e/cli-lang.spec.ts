import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The command's language: --lang on every command, else the locale variables, else the OS locale
 * (what Windows offers; no LANG there). And a report period typed the Chinese way.
 */
const dir = mkdtempSync(join(tmpdir(), 'parkpilot-cli-lang-'));
const db = join(dir, 'demo.db');
/** The environment of a scheduled job on Windows: no LANG, LC_ALL or LC_MESSAGES. */
const bare = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE'].includes(k)));
const run = (env: NodeJS.ProcessEnv, ...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const MISSING_BATCH = '01234567-89ab-7def-8123-456789abcdef';

test.beforeAll(() => {
  expect(run(bare, 'demo', '--db', db).code).toBe(0);
});

test('--lang chooses the language of every message, whatever the environment says', () => {
  const zh = run({ ...bare, LANG: 'en_US.UTF-8' }, 'import-revert', MISSING_BATCH, '--db', db, '--lang', 'zh-CN');
  expect(zh.code).toBe(1);
  expect(zh.err).toMatch(/^parkpilot: .*[\u4e00-\u9fff]/);
  const en = run({ ...bare, LANG: 'zh_CN.UTF-8' }, 'import-revert', MISSING_BATCH, '--db', db, '--lang', 'en');
  expect(en.err).toMatch(/^parkpilot: [\x20-\x7e]+\n$/);
  const bad = run(bare, 'stats', '--db', db, '--lang', 'fr');
  expect(bad.code).toBe(2);
  expect(bad.err).toBe('parkpilot: --lang fr: use zh-CN or en\n');
});

test('without --lang: LC_ALL, then LANG', () => {
  expect(run({ ...bare, LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'import-revert', MISSING_BATCH, '--db', db).err).toMatch(/[\u4e00-\u9fff]/);
  expect(run({ ...bare, LANG: 'en_US.UTF-8' }, 'import-revert', MISSING_BATCH, '--db', db).err).not.toMatch(/[\u4e00-\u9fff]/);
});

test('a report period typed the Chinese way, in the language asked for', () => {
  const pdf = join(dir, 'q4.pdf');
  const r = run(bare, 'report', '--db', db, '--kind', 'operations', '--period', '2020年第四季度', '--format', 'pdf', '--out', pdf, '--lang', 'en');
  expect(r.code).toBe(0);
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout;
  expect(text).toContain('Park operations report (2020-10-01 – 2020-12-31)');
  const wrong = run(bare, 'report', '--db', db, '--kind', 'operations', '--period', '2020年第五季度', '--format', 'pdf', '--out', pdf, '--lang', 'zh-CN');
  expect(wrong.code).toBe(2);
  expect(wrong.err).toContain('2020年第四季度');
});

test('import names the columns it does not import', () => {
  const csv = join(dir, 'roster.csv');
  writeFileSync(csv, '企业名称,法定代表人,联系人,联系电话\n命令行导入数据公司,王五,张敏,13800000000\n');
  const r = run(bare, 'import', csv, '--db', db, '--dry-run', '--lang', 'zh-CN');
  expect(r.code).toBe(0);
  expect(r.out).toContain('未导入的列: 法定代表人');
  const json = JSON.parse(run(bare, 'import', csv, '--db', db, '--dry-run', '--json').out) as { notImported: string[]; created: number };
  expect(json).toMatchObject({ notImported: ['法定代表人'], created: 1 });
});

test('check speaks the language asked for, through the same catalogue as the other messages', () => {
  const zh = run({ ...bare, LANG: 'en_US.UTF-8' }, 'check', '--db', db, '--lang', 'zh-CN');
  expect(zh.code).toBe(0);
  expect(zh.out).toContain('完整性：正常');
  expect(zh.out).toContain('搜索索引 enterprises_fts：正常');
  expect(zh.out).toContain('规则 incubating_status：正常');
  expect(zh.out.trim().split('\n').at(-1)).toBe('数据库完好');
  // No English words left (the names of indexes, aggregates and rules are identifiers, not words).
  expect(zh.out.replace(/[a-z_0-9]+_[a-z_0-9]+|\b[a-z]+_fts\b/g, '')).not.toMatch(/\b(ok|integrity|search|index|aggregate|rule|sound)\b/);
  const en = run({ ...bare, LANG: 'zh_CN.UTF-8' }, 'check', '--db', db, '--lang', 'en');
  expect(en.out).toContain('integrity: ok');
  expect(en.out).not.toMatch(/[\u4e00-\u9fff]/);
  expect(en.out.trim().split('\n').at(-1)).toBe('the database is sound');
});

test('stats speaks the language asked for: labels, statuses, target names and units', () => {
  const zh = run({ ...bare, LANG: 'en_US.UTF-8' }, 'stats', '--db', db, '--as-of', '2020-12-31', '--lang', 'zh-CN');
  expect(zh.code).toBe(0);
  expect(zh.out).toMatch(/^截至 2020-12-31\n企业 \d+ {2}孵化记录 \d+ {2}招商线索 \d+ {2}跟进记录 \d+\n/);
  expect(zh.out).toMatch(/\[(已达成|按计划推进|有风险|未达成|已逾期)\] .+：\d+ /);
  expect(zh.out).not.toMatch(/[A-Za-z]{3,}/);
  // A milestone reads as done or not, as on the Overview, not as "1 项（目标 1–1）".
  expect(zh.out).toContain('[已达成] 建成大数据众创空间：已完成（期限 2020-12-31）');
  expect(zh.out).not.toContain('1–1');
  const en = run({ ...bare, LANG: 'zh_CN.UTF-8' }, 'stats', '--db', db, '--as-of', '2020-12-31', '--lang', 'en');
  expect(en.out).toMatch(/^as of 2020-12-31\nenterprises \d+/);
  expect(en.out).toMatch(/\[(Achieved|On track|At risk|Missed|Overdue)\] .+: \d+ /);
  expect(en.out).not.toMatch(/[\u4e00-\u9fff]/);
  // Past every deadline nothing is projected, as on the Overview's card.
  expect(run(bare, 'stats', '--db', db, '--as-of', '2030-12-31', '--lang', 'en').out).not.toContain('projected');
});

test('checkout and sync take --lang too: a bad package is refused in the language asked for', () => {
  const laptop = join(dir, 'laptop.db');
  expect(run(bare, 'checkout', '--db', db, '--out', laptop, '--device', '外勤笔记本', '--lang', 'zh-CN').code).toBe(0);
  const cut = join(dir, 'cut.ppsync');
  writeFileSync(cut, Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
  const zh = run({ ...bare, LANG: 'en_US.UTF-8' }, 'sync', 'import', cut, '--db', db, '--dry-run', '--lang', 'zh-CN');
  expect(zh.code).toBe(1);
  expect(zh.err).toBe('parkpilot: 同步包不完整或已损坏，请重新导出；数据库未被修改\n');
  const en = run({ ...bare, LANG: 'zh_CN.UTF-8' }, 'sync', 'import', cut, '--db', db, '--lang=en');
  expect(en.err).toBe('parkpilot: The sync package is incomplete or damaged; export it again. The database was not changed\n');
  expect(run(bare, 'sync', 'status', '--db', laptop, '--lang', 'en').code).toBe(0);
  expect(run(bare, 'sync', 'status', '--db', laptop, '--lang', 'fr').err).toBe('parkpilot: --lang fr: use zh-CN or en\n');
});
