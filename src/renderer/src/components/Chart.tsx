import { BarChart, FunnelChart, LineChart, PieChart, SankeyChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the charts and components the pages use, so the bundle stays small.
echarts.use([BarChart, FunnelChart, LineChart, PieChart, SankeyChart, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** An ECharts chart that follows the theme, resizes with its box and reports clicks. */
export function Chart({ option, theme, label, onClick, height }: { option: ChartOption; theme: 'light' | 'dark'; label: string; onClick?: (p: echarts.ECElementEvent) => void; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    const c = echarts.init(el.current!, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p: echarts.ECElementEvent) => clickRef.current?.(p));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, true);
  }, [option, theme]);

  return <div ref={el} className="chart" role="img" aria-label={label} style={height ? { height } : undefined} />;
}
