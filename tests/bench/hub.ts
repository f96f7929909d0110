/**
 * `npm run bench:hub` (also part of `npm run bench`) — the office hub against a real PostgreSQL
 * cluster started here (Debian's postgresql):
 * - edit-to-screen latency between two live desktops (p50/p95);
 * - catch-up of a copy that was offline while 100,000 changes were made elsewhere;
 * - the hub's throughput with 10 desktops pushing at once;
 * - the crash drills, 20+ rounds each (a desktop killed mid-push, the server restarted mid-pull).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { startCluster } from '../hub/cluster';
import { killDuringPush, restartDuringPull } from '../hub/crash';
import { freshHubDatabase } from '../hub/fresh';
import { passwordOf } from '../hub/setup';
import { recordTarget } from './results';

const CHANGES = Number(process.env.BENCH_HUB_CHANGES ?? 100_000);
const DESKTOPS = 10;
const DRILLS = Number(process.env.BENCH_HUB_DRILLS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'pp-hubbench-'));
const now = () => performance.now();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main() {
  const cluster = await startCluster();
  try {
    // 1. Latency: an edit on one open desktop until it is in the other's database (its grid refetches then).
    {
      const hub = await freshHubDatabase(cluster);
      const a = new ParkCore(join(dir, 'lat-a.db'), { user: 'director', hubSync: true });
      const b = new ParkCore(join(dir, 'lat-b.db'), { user: 'zhang', hubSync: true });
      await a.context().hub!.connect({ url: hub.url('director'), password: passwordOf('director') });
      await b.context().hub!.connect({ url: hub.url('zhang'), password: passwordOf('zhang') });
      const samples: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t = now();
        const { id } = a.call('enterprises.create', { name: `珠海延迟测试${i}有限公司`, kind: 'startup', status: 'settled' }) as { id: string };
        const seen = b.db.prepare('SELECT 1 FROM enterprises WHERE id = ?');
        while (!seen.get(id)) await new Promise((r) => setTimeout(r, 2));
        samples.push(now() - t);
      }
      await a.closeAsync();
      await b.closeAsync();
      const p50 = pct(samples, 50);
      const p95 = pct(samples, 95);
      log(`edit on one desktop → in the other's database: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (40 edits)`);
      recordTarget({ target: 'hub: edit → other desktop (p50/p95)', figure: `${p50.toFixed(0)} / ${p95.toFixed(0)} ms`, reference: '', goal: 'within seconds (p95 ≤ 2,000 ms)', pass: p95 <= 2000 });
    }

    // 2. Catch-up: a copy offline while CHANGES changes were pushed by another.
    {
      const hub = await freshHubDatabase(cluster);
      const a = new ParkCore(join(dir, 'cu-a.db'), { user: 'director' });
      await a.context().hub!.connect({ url: hub.url('director'), password: passwordOf('director') });
      const b = new ParkCore(join(dir, 'cu-b.db'), { user: 'zhang', hubPassword: passwordOf('zhang') });
      await b.context().hub!.connect({ url: hub.url('zhang'), password: passwordOf('zhang') });
      // Generated rows are logged one snapshot entry each: half enterprises, half activities.
      generate(a.context(), { enterprises: CHANGES / 2, leads: 0, activities: CHANGES / 2 }, () => {}, 3);
      const made = a.db.prepare('SELECT count(*) FROM changes').pluck().get() as number;
      let t = now();
      const pushed = await a.context().hub!.sync();
      const pushMs = now() - t;
      t = now();
      const pulled = await b.context().hub!.sync();
      const catchMs = now() - t;
      log(`push of ${pushed.pushed.toLocaleString()} changes: ${(pushMs / 1000).toFixed(1)} s; catch-up of ${pulled.pulled.toLocaleString()} changes (${made.toLocaleString()} in the log): ${(catchMs / 1000).toFixed(1)} s`);
      recordTarget({ target: `hub: catch-up after ${CHANGES.toLocaleString()} changes offline`, figure: `${(catchMs / 1000).toFixed(1)} s (push ${(pushMs / 1000).toFixed(1)} s)`, reference: '', goal: 'reported', pass: pulled.pulled >= CHANGES * 0.99 });
      await a.closeAsync();
      await b.closeAsync();
    }

    // 3. Throughput: 10 desktops, each with a backlog, pushing at once.
    {
      const hub = await freshHubDatabase(cluster);
      const first = new ParkCore(join(dir, 'tp-0.db'), { user: 'director' });
      await first.context().hub!.connect({ url: hub.url('director'), password: passwordOf('director') });
      await first.closeAsync();
      const desks: ParkCore[] = [];
      for (let i = 0; i < DESKTOPS; i++) {
        const core = new ParkCore(join(dir, `tp-${i + 1}.db`), { user: `desk${i}` });
        await core.context().hub!.connect({ url: hub.url(i % 2 ? 'zhang' : 'li'), password: passwordOf(i % 2 ? 'zhang' : 'li') });
        // Data as an import would bring it (the generator also writes reference lists, an administrator's).
        generate({ ...core.context(), guard: undefined }, { enterprises: 0, leads: 4000, activities: 0 }, () => {}, 100 + i);
        desks.push(core);
      }
      const t = now();
      const results = await Promise.all(desks.map((d) => d.context().hub!.sync()));
      const ms = now() - t;
      const total = results.reduce((n, r) => n + r.pushed, 0);
      log(`${DESKTOPS} desktops pushing at once: ${total.toLocaleString()} changes in ${(ms / 1000).toFixed(1)} s = ${Math.round(total / (ms / 1000)).toLocaleString()} changes/s`);
      recordTarget({ target: `hub: ${DESKTOPS} desktops pushing at once`, figure: `${Math.round(total / (ms / 1000)).toLocaleString()} changes/s`, reference: '', goal: 'reported', pass: total >= DESKTOPS * 4000 });
      for (const d of desks) await d.closeAsync();
    }

    // 4. Crash drills.
    {
      const push = await killDuringPush(cluster, dir, DRILLS);
      log(`desktop killed during push: ${push.rounds} rounds (${push.killedMidway} killed before finishing), nothing lost or doubled`);
      const pull = await restartDuringPull(cluster, dir, DRILLS);
      log(`server restarted during pull: ${pull.rounds} rounds (${pull.killedMidway} interrupted), every copy caught up to the same content`);
      recordTarget({ target: 'hub: crash drills (kill mid-push, restart mid-pull)', figure: `${push.rounds} + ${pull.rounds} rounds (${push.killedMidway} + ${pull.killedMidway} interrupted)`, reference: '', goal: '≥ 20 each, nothing lost or doubled', pass: push.rounds >= 20 && pull.rounds >= 20 });
    }
  } finally {
    cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
