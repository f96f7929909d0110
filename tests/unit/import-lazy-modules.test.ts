import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The core process does not load the libraries of rare work at start: SheetJS (legacy .xls only, ~24 MB
 * resident) and ECharts (reports only, ~45 MB) are loaded when a file or a report first needs them, so
 * every .xlsx and CSV import's peak memory is its own (issue 14, ≤ 300 MB). In a fresh process, where
 * nothing is cached.
 */
describe('modules the core loads on first use', () => {
  it('loads neither SheetJS nor ECharts at start, and SheetJS when an .xls is opened', () => {
    const child = resolve(__dirname, 'import-lazy-modules-child.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 120_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { atStart: string[]; afterXls: string[]; rows: number };
    expect(r.atStart).toContain('better-sqlite3'); // the listing sees packages at all
    expect(r.atStart.filter((p) => p.startsWith('@e965/') || p.startsWith('echarts'))).toEqual([]);
    expect(r.afterXls).toContain('@e965/xlsx');
    expect(r.rows).toBeGreaterThan(1);
  });
});
