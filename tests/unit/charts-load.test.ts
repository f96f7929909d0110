import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A report's first chart loads ECharts (reports/charts.ts). Loaded as its ES modules it was ~500 files
 * read and linked at run time (the core's bundle leaves node_modules outside): 1.2 s of CPU in plain
 * Node, ~3 s under tsx, part of the operations report's 3 s budget (issue 14). As the package's one-file
 * build it is one file. Counted in a fresh process, where nothing is loaded yet; the time itself is the
 * report bench's (tests/bench/files.ts, operations report → PDF), not a unit test's.
 */
describe('chart library load', () => {
  it('loads as one file of the package in a fresh process, and draws a chart', () => {
    const child = resolve(__dirname, 'charts-load-child.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 120_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { files: number; svg: string };
    expect(r.svg).toMatch(/^<svg[\s\S]*大数据[\s\S]*<\/svg>$/);
    expect(r.files, 'files of echarts and zrender resolved while the library loaded').toBe(1);
  });
});
