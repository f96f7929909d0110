import type * as Echarts from 'echarts/core';
import { REPORT_FONTS } from './fonts';

/**
 * ECharts is loaded when a report first needs it, not with the core: it is ~45 MB of the core
 * process's resident memory (32 MB of V8 heap), which every import and export carried for nothing
 * (issue 14, peak memory ≤ 300 MB). The report job awaits `loadCharts()` before it builds a report.
 *
 * It is loaded as the package's one-file ES module build (`echarts/dist/echarts.esm.min`), not as the
 * tree-shaken modules (echarts/core, charts, components, renderers): unbundled (the CLI and benches under
 * tsx, the tests) those were ~500 module files read and linked at run time. Measured in plain Node
 * (issue 14, the operations report's 3 s): 1.2 s of CPU → 0.15 s, 82 → 49 MB resident; under tsx 3.7 s
 * → 0.5 s. The bundler still makes it a chunk of its own, loaded with the first report. The one file
 * carries every chart and the SVG renderer, so nothing needs registering.
 */
let echarts: typeof Echarts | null = null;

export async function loadCharts(): Promise<void> {
  echarts ??= (await import('echarts/dist/echarts.esm.min')) as typeof Echarts;
}

/** Renders an ECharts option to an SVG string on the server (no canvas, no DOM). */
export function chartSvg(option: Echarts.EChartsCoreOption, width = 640, height = 300): string {
  if (!echarts) throw new Error('chartSvg: await loadCharts() first');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: REPORT_FONTS }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
