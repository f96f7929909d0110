import type { EChartsCoreOption, ECElementEvent } from 'echarts/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

export type ChartOption = EChartsCoreOption;
export interface ChartProps {
  option: ChartOption;
  theme: 'light' | 'dark';
  label: string;
  onClick?: (p: ECElementEvent) => void;
  height?: number;
}

// ECharts is a quarter of the renderer's weight: it loads with the first chart, not with the app, so
// the Overview's figures show before the charts do.
let echartsLoaded = false;
const EChart = lazy(() => import('./EChart').then((m) => ((echartsLoaded = true), m)));

/**
 * False until the page around the chart has been painted once (then true), unless ECharts is already loaded:
 * asked for in the same render, its 600 KB would be fetched, compiled and run before that first paint, so a
 * cold start would show the Overview's figures only once the charts' code had run.
 */
function useAfterFirstPaint(): boolean {
  const [after, setAfter] = useState(echartsLoaded);
  useEffect(() => {
    if (after) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setAfter(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [after]);
  return after;
}

/** A chart; while ECharts loads, a box of the chart's size says so (the layout does not jump). */
export function Chart(props: ChartProps) {
  const { t } = useTranslation();
  const load = useAfterFirstPaint();
  const fallback = (
    <div className="chart chart-loading" role="status" aria-label={props.label} style={props.height ? { height: props.height } : undefined}>
      {t('common.loading')}
    </div>
  );
  if (!load) return fallback;
  return (
    <Suspense fallback={fallback}>
      <EChart {...props} />
    </Suspense>
  );
}
