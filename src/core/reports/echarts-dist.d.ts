// ECharts' one-file ES module build (package export `./dist/echarts.esm.min`) ships no types of its own:
// it is the whole library, so it has the API of `echarts/core` (and every chart already registered).
declare module 'echarts/dist/echarts.esm.min' {
  export * from 'echarts/core';
}
