import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { postgresAvailable, startCluster, type Cluster } from '../hub/cluster';
import { freshHubDatabase } from '../hub/fresh';
import { passwordOf } from '../hub/setup';
import { contentHash } from './sync-helpers';
import { tempFile } from './helpers';

/**
 * Three desktops editing at once through live links, while the server cuts their connections at
 * random (pg_terminate_backend, as a network drop looks to the client): afterwards every copy holds
 * the same content, review items included; the hub holds each change exactly once, and every change
 * any desktop holds reached the hub. Runs: HUB_RUNS (default 3; the bench runs more).
 */
const RUNS = Number(process.env.HUB_RUNS ?? 3);
const LOGINS = ['director', 'zhang', 'li'] as const;
const USCCS = ['91440400MA4W1001', '91440400MA4W1002', '91440400MA4W1003'].map(completeUscc);

type Op =
  | { kind: 'create'; desk: number; code: number }
  | { kind: 'edit'; desk: number; pick: number; headcount: number }
  | { kind: 'delete'; desk: number; pick: number }
  | { kind: 'drop'; desk: number }
  | { kind: 'pause'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), desk: fc.nat(2), code: fc.nat(USCCS.length) }),
  fc.record({ kind: fc.constant('edit' as const), desk: fc.nat(2), pick: fc.nat(50), headcount: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('edit' as const), desk: fc.nat(2), pick: fc.nat(50), headcount: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('delete' as const), desk: fc.nat(2), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('drop' as const), desk: fc.nat(2) }),
  fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 120 }) }),
);

let cluster: Cluster;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!postgresAvailable())('three desktops on one hub, with random disconnects', () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('converge to the same content with nothing lost and nothing doubled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const hub = await freshHubDatabase(cluster);
        const su = new pg.Client({ connectionString: cluster.url().replace(/\/postgres$/, `/${hub.name}`) });
        await su.connect();
        const desks: ParkCore[] = [];
        try {
          for (const [i, login] of LOGINS.entries()) {
            const core = new ParkCore(tempFile(`desk${i}.db`), { user: login, hubSync: true });
            core.setSetting('device', `desk-${i}`);
            if (i === 0) core.call('enterprises.create', { name: '珠海起点科技有限公司', kind: 'startup', status: 'settled' });
            await core.context().hub!.connect({ url: hub.url(login), password: passwordOf(login) });
            desks.push(core);
          }
          let n = 0;
          for (const o of ops) {
            if (o.kind === 'pause') await sleep(o.ms);
            else if (o.kind === 'drop') {
              await su.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ParkPilot' AND usename = $1", [LOGINS[o.desk]]);
            } else {
              const core = desks[o.desk]!;
              const live = core.db.prepare('SELECT id FROM enterprises WHERE deleted = 0 ORDER BY id').pluck().all() as string[];
              try {
                if (o.kind === 'create') {
                  const uscc = o.code < USCCS.length ? USCCS[o.code] : undefined;
                  core.call('enterprises.create', { name: `珠海并发科技${++n}有限公司`, kind: 'startup', status: 'settled', ...(uscc ? { uscc } : {}) });
                } else if (live.length) {
                  const id = live[o.pick % live.length]!;
                  if (o.kind === 'edit') core.call('enterprises.update', { id, patch: { headcount: o.headcount } });
                  else core.call('enterprises.delete', { id });
                }
              } catch (err) {
                // A credit code this copy already holds, or an import-busy moment: a refused edit, not a loss.
                const e = err as { code?: string; fields?: { code: string }[] };
                if (!/uscc_taken|busy/.test([e.code, ...(e.fields ?? []).map((f) => f.code)].join(' '))) throw err;
              }
            }
            await sleep(5);
          }
          // Quiet: links reconnect by themselves and catch up; then everyone has everyone's changes.
          const identities = async () => Number((await su.query('SELECT count(*) AS n FROM parkpilot.changes')).rows[0].n);
          const localAll = () => Math.max(...desks.map((d) => d.db.prepare('SELECT count(*) FROM changes').pluck().get() as number));
          await until(async () => {
            for (const d of desks) await d.hub!.idle();
            const statuses = desks.map((d) => d.call('hub.status', {}));
            if (!statuses.every((s) => s.connected && s.waiting === 0)) return false;
            for (const d of desks) await d.context().hub!.sync();
            const hashes = desks.map((d) => contentHash(d.db));
            if (!hashes.every((h) => h === hashes[0]) || !desks.every((d) => d.call('hub.status', {}).waiting === 0)) return false;
            // Equal content is not yet everything: a merge during the last round may have recorded review
            // items (the same rows on every copy, each copy's own log entries) that the others pull next.
            const hubCount = await identities();
            return desks.every((d) => d.db.prepare('SELECT count(*) FROM changes').pluck().get() === hubCount);
          }, 'convergence');
          // Every change reached the hub once: the hub's log and each copy's log hold the same identities.
          const hubCount = await identities();
          for (const d of desks) expect(d.db.prepare('SELECT count(*) FROM changes').pluck().get()).toBe(hubCount);
          expect(localAll()).toBe(hubCount);
          const dupes = await su.query('SELECT count(*) AS n FROM (SELECT stamp, tbl, row_id, field FROM parkpilot.changes GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d');
          expect(Number(dupes.rows[0].n)).toBe(0);
          // One live enterprise per credit code, and the same review items everywhere.
          for (const d of desks) {
            expect(d.db.prepare('SELECT count(*) FROM (SELECT uscc FROM enterprises WHERE deleted = 0 AND uscc IS NOT NULL GROUP BY uscc HAVING count(*) > 1)').pluck().get()).toBe(0);
          }
          const reviews = desks.map((d) => JSON.stringify(d.db.prepare('SELECT id, kind, tbl, row_id, field, status FROM review_items ORDER BY id').all()));
          expect(new Set(reviews).size).toBe(1);
        } finally {
          for (const d of desks) await d.closeAsync();
          await su.end();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
