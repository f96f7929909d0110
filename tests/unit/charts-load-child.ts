/** Child of charts-load.test.ts: loads the chart library in a fresh process, draws one chart, prints the CPU time it took. */
import { chartSvg, loadCharts } from '../../src/core/reports/charts';

void (async () => {
  const cpu = process.cpuUsage();
  await loadCharts();
  const used = process.cpuUsage(cpu);
  const svg = chartSvg({ series: [{ type: 'pie', data: [{ name: '大数据', value: 3 }, { name: '云计算', value: 2 }] }] });
  console.log(JSON.stringify({ cpuMs: Math.round((used.user + used.system) / 1000), svg }));
})();
