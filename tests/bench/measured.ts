/**
 * Peak resident memory while `work` runs, sampled every 20 ms, and at least the kernel's high-water mark
 * of the process (which misses no peak between samples; each import runs in a process of its own).
 */
export async function measured<T>(work: () => Promise<T> | T): Promise<{ ms: number; peakMb: number; value: T }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  const value = await work();
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  return { ms, peakMb: Math.round(peak / 1048576), value };
}
