import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import pg from 'pg';
import { ParkCore } from '../../src/core/service';
import { generate } from '../../src/core/seed/seed';
import type { Cluster } from './cluster';
import { freshHubDatabase } from './fresh';
import { passwordOf } from './setup';

/**
 * The hub's crash drills, shared by the test (a few rounds) and the bench (20+ each):
 * - a desktop killed (SIGKILL) at a random moment of its push;
 * - the server restarted (immediate mode, as a crash) at a random moment of a desktop's pull.
 * After each, syncing again completes; the hub holds every change of the pushing copy exactly once,
 * and a copy that pulls everything has the same content as the one that pushed.
 */
export interface DrillResult {
  rounds: number;
  killedMidway: number;
  hubChanges: number;
}

const run = (args: string[], env: NodeJS.ProcessEnv) => spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

/** Waits for the child's "started", then kills it after `delay` ms; true when it was still running. */
function killAfter(args: string[], env: NodeJS.ProcessEnv, delay: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = run(args, env);
    let finished = false;
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('started')) setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.on('exit', (_code, signal) => {
      finished = signal !== 'SIGKILL';
      resolve(!finished);
    });
  });
}

async function hubCount(cluster: Cluster, db: string): Promise<{ total: number; distinct: number }> {
  const c = new pg.Client({ connectionString: cluster.url().replace(/\/postgres$/, `/${db}`) });
  await c.connect();
  try {
    const r = await c.query('SELECT count(*) AS total, count(DISTINCT (stamp, tbl, row_id, field)) AS d FROM parkpilot.changes');
    return { total: Number(r.rows[0].total), distinct: Number(r.rows[0].d) };
  } finally {
    await c.end();
  }
}

/** A database of `size` enterprises, connected to a fresh hub by the director but not yet pushed. */
async function pushingDesktop(cluster: Cluster, dir: string, size: number) {
  const hub = await freshHubDatabase(cluster);
  const file = `${dir}/push-${hub.name}.db`;
  const core = new ParkCore(file, { user: 'director' });
  await core.context().hub!.connect({ url: hub.url('director'), password: passwordOf('director') });
  // Written after connecting: all of it waits for the next push.
  generate(core.context(), { enterprises: size, leads: Math.ceil(size / 10), activities: size }, () => {}, 7);
  await core.closeAsync();
  return { hub, file };
}

export async function killDuringPush(cluster: Cluster, dir: string, rounds: number, size = 4000, maxDelay = 2500): Promise<DrillResult> {
  let killedMidway = 0;
  let hubChanges = 0;
  for (let i = 0; i < rounds; i++) {
    const { hub, file } = await pushingDesktop(cluster, dir, size);
    const env = { PGPASSWORD: passwordOf('director') };
    // The moment is random; a failing round names it, to be replayed.
    const delay = Math.floor(Math.random() * maxDelay);
    if (await killAfter([`${__dirname}/sync-child.ts`, file], env, delay)) killedMidway++;
    // Sync resumes: the next run completes and pushes what the killed one had not committed.
    const core = new ParkCore(file, { create: false, user: 'director', hubPassword: passwordOf('director') });
    try {
      await core.context().hub!.sync();
      const local = core.db.prepare('SELECT count(*) FROM changes').pluck().get() as number;
      const counted = await hubCount(cluster, hub.name);
      if (counted.total !== counted.distinct) throw new Error(`round ${i} (killed after ${delay} ms): ${counted.total - counted.distinct} changes doubled in the hub`);
      if (counted.total !== local) throw new Error(`round ${i} (killed after ${delay} ms): hub holds ${counted.total} changes, the desktop ${local}`);
      if (core.call('hub.status', {}).waiting !== 0) throw new Error(`round ${i} (killed after ${delay} ms): changes still waiting`);
      hubChanges = counted.total;
    } finally {
      await core.closeAsync();
    }
  }
  return { rounds, killedMidway, hubChanges };
}

export async function restartDuringPull(cluster: Cluster, dir: string, rounds: number, size = 4000, maxDelay = 2500): Promise<DrillResult & { hashesEqual: boolean }> {
  let killedMidway = 0;
  let hubChanges = 0;
  const { contentHash } = await import('../unit/sync-helpers');
  const { hub, file } = await pushingDesktop(cluster, dir, size);
  const source = new ParkCore(file, { create: false, user: 'director', hubPassword: passwordOf('director') });
  await source.context().hub!.sync();
  const expected = contentHash(source.db);
  await source.closeAsync();
  for (let i = 0; i < rounds; i++) {
    // A new desktop joins and pulls everything; the server goes down under it at a random moment.
    const joinFile = `${dir}/pull-${hub.name}-${i}.db`;
    const joiner = new ParkCore(joinFile, { user: 'zhang', hubPassword: passwordOf('zhang') });
    const pulling = joiner.context().hub!.connect({ url: hub.url('zhang'), password: passwordOf('zhang') }).then(
      () => false,
      () => true,
    );
    const delay = Math.floor(Math.random() * maxDelay); // named by a failing round, to be replayed
    await new Promise((r) => setTimeout(r, delay));
    cluster.restart('immediate');
    if (await pulling) killedMidway++;
    // Connect again (or sync, when the first connect got through): it catches up by itself.
    if (joiner.call('hub.status', {}).url) await joiner.context().hub!.sync();
    else await joiner.context().hub!.connect({ url: hub.url('zhang'), password: passwordOf('zhang') });
    const hash = contentHash(joiner.db);
    const local = joiner.db.prepare('SELECT count(*) FROM changes').pluck().get() as number;
    await joiner.closeAsync();
    const counted = await hubCount(cluster, hub.name);
    if (hash !== expected) throw new Error(`round ${i} (restarted after ${delay} ms): the joining copy differs from the publisher`);
    if (counted.total !== counted.distinct || local !== counted.total) throw new Error(`round ${i} (restarted after ${delay} ms): ${local} local vs ${counted.total} in the hub`);
    hubChanges = counted.total;
    copyFileSync(joinFile, `${joinFile}.checked`);
  }
  return { rounds, killedMidway, hubChanges, hashesEqual: true };
}
