import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';

/**
 * How responsive the web shell stays while it imports 100,000 rows: a client asks cheap questions
 * (a grid page, meta.info) every 100 ms while the import job runs, and the answer times are printed.
 * The desktop's window talks to the same core (now in its own process); Electron cannot run here.
 * Run after `npm run build`: `npx tsx tests/bench/responsive.ts [rows]`.
 */
const ROWS = Number(process.argv[2] ?? 100_000);
const dir = join(__dirname, '../../.bench/responsive');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const db = join(dir, 'park.db');
const seeding = new ParkCore(db, { create: true });
seedReference(seeding.context());
seeding.close();
const csv = ['企业名称,入驻日期,注册资本（万元）,从业人数'];
for (let i = 0; i < ROWS; i++) csv.push(`响应测试企业${i}有限公司,20${String(10 + (i % 12)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10},${100 + (i % 900)},${i % 300}`);
writeFileSync(join(dir, 'roster.csv'), csv.join('\n'));

const port = 4790 + Math.floor(Math.random() * 100);
const server = spawn(process.execPath, [join(__dirname, '../../bin/parkpilot.js'), 'serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;

async function main(): Promise<void> {
  let token: string | undefined;
  for (let i = 0; i < 300 && !token; i++) {
    const page = await fetch(base).then((r) => r.text(), () => '');
    token = /name="parkpilot-token" content="([0-9a-f]+)"/.exec(page)?.[1];
    if (!token) await new Promise((r) => setTimeout(r, 200));
  }
  if (!token) throw new Error('the web shell did not start');
  const headers = { 'X-ParkPilot-Token': token, 'Content-Type': 'application/json' };
  let resets = 0;
  const call = async (method: string, input: unknown): Promise<unknown> => {
    try {
      const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers, body: JSON.stringify({ input }) });
      const body = (await res.json()) as { ok: boolean; value: unknown; error?: { message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
      return body.value;
    } catch (err) {
      // A kept-alive connection the server has closed: ask again on a new one (counted).
      if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET' || ++resets > 20) throw err;
      return call(method, input);
    }
  };
  const upload = (await fetch(`${base}/api/upload?name=roster.csv`, { method: 'POST', headers: { 'X-ParkPilot-Token': token }, body: readFileSync(join(dir, 'roster.csv')) }).then((r) => r.json())) as { value: { token: string } };
  const started = Date.now();
  const job = (await call('imports.start', { file: upload.value.token, entity: 'enterprises', mode: 'create', dryRun: false })) as { id: string };
  const times: number[] = [];
  for (;;) {
    const t0 = performance.now();
    await call('enterprises.rows', { startRow: 0, endRow: 100 });
    await call('meta.info', {});
    times.push((performance.now() - t0) / 2);
    const status = (await call('jobs.status', { id: job.id })) as { state: string; result?: { created: number } };
    if (status.state !== 'running') {
      const seconds = (Date.now() - started) / 1000;
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0);
      console.log(`import of ${ROWS.toLocaleString('en')} rows: ${status.state}, ${status.result?.created ?? 0} created in ${seconds.toFixed(1)} s`);
      console.log(`cheap calls answered during it: ${times.length}; time to answer p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms; connection resets retried: ${resets}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

main().finally(() => server.kill());
