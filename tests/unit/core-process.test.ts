import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreClient, type CoreChild } from '../../src/core/process/client';
import type { CoreEvent } from '../../src/core/service';
import { tempFile } from './helpers';

/**
 * The desktop app runs the core in an Electron utilityProcess; Electron cannot run here, so the very
 * same entry (src/core/process/worker.ts) runs in a worker thread, which offers the same port.
 */
const workers: Worker[] = [];
const clients: CoreClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function spawn(): CoreChild {
  // The entry is TypeScript here (the app bundles it): tsx's require hook loads it in the thread.
  const entry = resolve(__dirname, '../../src/core/process/worker.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
  workers.push(worker);
  return worker;
}

async function until<T>(check: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the core in its own process', () => {
  it('answers invoke, relays events and job progress, and survives a call that crashes', async () => {
    const events: CoreEvent[] = [];
    const client = new CoreClient({ spawn, onEvent: (e) => events.push(e) });
    clients.push(client);
    const file = tempFile();
    expect(await client.open({ file, create: true })).toMatchObject({ ok: true });

    const info = await client.invoke('meta.info', {}, 'en');
    expect(info).toMatchObject({ ok: true, value: { site: expect.any(String), file } });
    const bad = await client.invoke('enterprises.create', { name: '' }, 'en');
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // A call that throws (an unknown grid column, refused deep in the grid runner) fails alone.
    const crashed = await client.invoke('enterprises.rows', { startRow: 0, endRow: 10, filterModel: { nope: { filterType: 'text', type: 'equals', filter: 'x' } } }, 'en');
    expect(crashed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await client.invoke('enterprises.rows', { startRow: 0, endRow: 1 }, 'en')).toMatchObject({ ok: true });

    const created = await client.invoke('enterprises.create', { name: '珠海进程测试有限公司', kind: 'startup', status: 'settled' }, 'zh-CN');
    expect(created.ok).toBe(true);
    await until(() => events.find((e) => e.method === 'enterprises.create'));
    expect(events.at(-1)).toMatchObject({ type: 'changed', tables: ['enterprises'] });

    // An import through the process: upload, job progress by polling, and the commit's event.
    const lines = ['企业名称,入驻日期'];
    for (let i = 0; i < 3_000; i++) lines.push(`进程导入企业${i},2021-03-01`);
    const uploaded = await client.upload('many.csv', new Uint8Array(Buffer.from(lines.join('\n'))));
    expect(uploaded.ok).toBe(true);
    const token = (uploaded as { ok: true; value: { token: string } }).value.token;
    const started = await client.invoke('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false }, 'zh-CN');
    const jobId = (started as { ok: true; value: { id: string } }).value.id;
    const seen: number[] = [];
    for (;;) {
      const s = await client.invoke('jobs.status', { id: jobId }, 'zh-CN');
      const state = (s as { ok: true; value: { state: string; done: number; result?: { created: number } } }).value;
      seen.push(state.done);
      if (state.state !== 'running') {
        expect(state).toMatchObject({ state: 'done', result: { created: 3_000 } });
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(new Set(seen).size).toBeGreaterThan(1);
    await until(() => events.find((e) => e.method === 'jobs.import'));
  }, 120_000);

  it('answers the calls in flight with an error when the process dies, and opens the database again', async () => {
    // The first process takes a call and dies before it answers (its messages go nowhere from then on).
    let dead = false;
    let spawned = 0;
    const client = new CoreClient({
      onEvent: () => {},
      spawn: () => {
        const worker = spawn();
        const first = spawned++ === 0;
        const post = worker.postMessage.bind(worker);
        worker.postMessage = (m: unknown) => void (!(first && dead) && post(m));
        return worker;
      },
    });
    clients.push(client);
    const file = tempFile();
    expect(await client.open({ file, create: true })).toMatchObject({ ok: true });
    dead = true;
    const inFlight = client.invoke('stats.get', {}, 'en');
    await workers[0]!.terminate();
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(workers).toHaveLength(2);
    expect(await client.invoke('meta.info', {}, 'en')).toMatchObject({ ok: true, value: { file } });
  }, 120_000);
});
