import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startCluster, type Cluster } from '../hub/cluster';
import { killDuringPush, restartDuringPull } from '../hub/crash';

/** Short version of the hub crash drills (the bench runs 20+ of each: `npm run bench:hub`). */
const ROUNDS = Number(process.env.HUB_CRASH_ROUNDS ?? 1);
const SIZE = 1500;
let cluster: Cluster;
const dir = mkdtempSync(join(tmpdir(), 'pp-hubcrash-'));

describe.skipIf(!postgresAvailable())('hub crash drills', () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('a desktop killed during its push: nothing lost, nothing doubled, the next sync completes', async () => {
    const r = await killDuringPush(cluster, dir, ROUNDS, SIZE, 1500);
    expect(r.hubChanges).toBeGreaterThan(0);
  }, 600_000);

  it('the server restarted during a pull: the copy catches up to the same content', async () => {
    const r = await restartDuringPull(cluster, dir, ROUNDS, SIZE, 1500);
    expect(r.hashesEqual).toBe(true);
  }, 600_000);
});
