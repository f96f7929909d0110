/**
 * Child of charts-load.test.ts: counts the chart library's files the module loader resolves while the
 * library loads in this fresh process, then draws one chart. A resolve hook (module.register) adds one to
 * a shared counter for each file under echarts or zrender, synchronously, so the count is complete when
 * the load is.
 */
import { register } from 'node:module';
import { chartSvg, loadCharts } from '../../src/core/reports/charts';

const counter = new Int32Array(new SharedArrayBuffer(4));
const hook = `
let counter;
export function initialize(data) { counter = data.counter; }
export async function resolve(specifier, context, next) {
  const out = await next(specifier, context);
  if (/\\/node_modules\\/(echarts|zrender)\\//.test(out.url)) Atomics.add(counter, 0, 1);
  return out;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { counter } });

void (async () => {
  await loadCharts();
  const files = Atomics.load(counter, 0);
  const svg = chartSvg({ series: [{ type: 'pie', data: [{ name: '大数据', value: 3 }, { name: '云计算', value: 2 }] }] });
  console.log(JSON.stringify({ files, svg }));
})();
