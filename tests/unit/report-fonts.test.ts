import { describe, expect, it } from 'vitest';
import { chartSvg, loadCharts } from '../../src/core/reports/charts';
import { REPORT_FONTS } from '../../src/core/reports/fonts';
import { operationsReport } from '../../src/core/reports/operations';
import { parsePeriod } from '../../src/core/reports/model';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * A report's charts print in the report's font stack, and their text is never stroked: Chromium prints
 * stroked text as Type 3 glyph outlines even in a TrueType face, the slow and large way (issue 14).
 */
describe('report chart text', () => {
  const texts = (svg: string) => svg.match(/<text\b[^>]*>/g) ?? [];

  it('carries the whole font stack inside a well-formed style attribute', async () => {
    await loadCharts();
    const svg = chartSvg({ xAxis: { type: 'category', data: ['一', '二'] }, yAxis: {}, series: [{ type: 'bar', data: [1, 2] }] });
    expect(texts(svg).length).toBeGreaterThan(0);
    for (const t of texts(svg)) expect(/ style="([^"]*)"/.exec(t)?.[1]).toContain(`font-family:${REPORT_FONTS}`);
  });

  it('has no stroked labels in the operations report', async () => {
    await loadCharts();
    const core = testCore();
    try {
      generate(core.context(), { enterprises: 300, leads: 60, activities: 0 }); // every chart has data, with labels
      const charts = operationsReport(core.db, parsePeriod('2020')!, '2020-12-31', 'zh-CN', '2026-11-21').sections.flatMap((s) => (s.kind === 'chart' ? [s.svg] : []));
      expect(charts.length).toBeGreaterThan(1);
      for (const svg of charts) expect(texts(svg).length).toBeGreaterThan(3);
      const all = charts.flatMap(texts);
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((t) => / stroke="(?!none)/.test(t))).toEqual([]);
    } finally {
      core.close();
    }
  });
});
