import type { EChartsCoreOption, ECElementEvent } from 'echarts/core';
import { lazy, Suspense } from 'react';
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
const EChart = lazy(() => import('./EChart'));

/** A chart; while ECharts loads, a box of the chart's size says so (the layout does not jump). */
export function Chart(props: ChartProps) {
  const { t } = useTranslation();
  const fallback = (
    <div className="chart chart-loading" role="status" aria-label={props.label} style={props.height ? { height: props.height } : undefined}>
      {t('common.loading')}
    </div>
  );
  return (
    <Suspense fallback={fallback}>
      <EChart {...props} />
    </Suspense>
  );
}
