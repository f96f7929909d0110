import type * as Echarts from 'echarts/core';

/**
 * ECharts is loaded when a report first needs it, not with the core: it is ~45 MB of the core
 * process's resident memory (32 MB of V8 heap), which every import and export carried for nothing
 * (issue 14, peak memory ≤ 300 MB). The report job awaits `loadCharts()` before it builds a report.
 */
let echarts: typeof Echarts | null = null;

export async function loadCharts(): Promise<void> {
  if (echarts) return;
  const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
  core.use([charts.BarChart, charts.FunnelChart, charts.LineChart, charts.PieChart, components.GridComponent, components.LegendComponent, components.MarkLineComponent, components.TitleComponent, renderers.SVGRenderer]);
  echarts = core;
}

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';

/** Renders an ECharts option to an SVG string on the server (no canvas, no DOM). */
export function chartSvg(option: Echarts.EChartsCoreOption, width = 640, height = 300): string {
  if (!echarts) throw new Error('chartSvg: await loadCharts() first');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
