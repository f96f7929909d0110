/**
 * `tsx tests/bench/sync-read-logs.ts` — the merge's "read logs" phase alone (classify's read-ahead of the
 * changed rows' logs, merge-classify.ts preloadRoots) for the bench package of tests/bench/sync.ts, in
 * the page-cache states a merge meets: a new connection (its cache empty: pages come from the file,
 * through the OS's cache), the same read again (SQLite's cache warm), and after the cache was shrunk
 * to the connection's default and grown again (what every merge of more than 10,000 changes does at
 * its end and start: mergeChanges sets cache_size for the merge, then puts it back). CPU and wall.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntryCache } from '../../src/core/db/materialize';
import { ParkCore } from '../../src/core/service';
import { preloadRoots } from '../../src/core/sync/merge-classify';
import { laptopChanges } from './laptop-package';

const FILE = process.env.SYNC_DB ?? join('.bench', 'bench-v2-1000000-200000-1000000.db');
const CHANGES = Number(process.env.SYNC_CHANGES ?? 100_000);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const core = new ParkCore(FILE, { create: false, user: 'bench' });
const db = core.db;
const changes = laptopChanges(db, CHANGES);
const defaultCache = db.pragma('cache_size', { simple: true }) as number;
const time = (label: string) => {
  const t = performance.now();
  const c = process.cpuUsage();
  db.exec('BEGIN');
  preloadRoots(new EntryCache(db), changes);
  db.exec('COMMIT');
  const u = process.cpuUsage(c);
  console.log(`${label}: CPU ${((u.user + u.system) / 1e6).toFixed(2)} s (sys ${(u.system / 1e6).toFixed(2)}), wall ${((performance.now() - t) / 1000).toFixed(2)} s (load ${load()})`);
};
db.pragma('cache_size = -262144');
time('new connection, 256 MB cache');
time('again, warm');
time('again, warm');
db.pragma(`cache_size = ${defaultCache}`);
db.pragma('cache_size = -262144');
time(`after the cache went to ${defaultCache} and back`);
db.pragma(`cache_size = ${defaultCache}`);
time(`with the default cache (${defaultCache})`);
time(`again, default cache`);
core.close();
