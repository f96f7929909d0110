import { ParkCore } from '../../src/core/service';
const c = process.cpuUsage(); const t = performance.now();
const core = new ParkCore('.bench/bench-v2-1000000-200000-1000000.db', { create: false });
const d = process.cpuUsage(c);
console.log('open+migrate ms', (performance.now() - t).toFixed(0), 'cpu', ((d.user + d.system) / 1000).toFixed(0));
core.close();
