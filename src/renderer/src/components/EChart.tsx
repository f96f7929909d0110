import { BarChart, FunnelChart, LineChart, PieChart, SankeyChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useReducedMotion } from '../lib/motion';
import type { ChartProps } from './Chart';

// Only the charts and components the pages use, so the bundle stays small.
echarts.use([BarChart, FunnelChart, LineChart, PieChart, SankeyChart, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

/** An ECharts chart (loaded on first use through Chart.tsx) that follows the theme, resizes with its box and reports clicks. */
export default function EChart({ option, theme, label, onClick, height }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  const reducedMotion = useReducedMotion();
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
    // Under reduced motion the chart is drawn in its final state at once (no grow-in, no morphing).
    chart.current?.setOption({ backgroundColor: 'transparent', ...option, ...(reducedMotion ? { animation: false } : {}) }, true);
  }, [option, theme, reducedMotion]);

  return <div ref={el} className="chart" role="img" aria-label={label} style={height ? { height } : undefined} />;
}
