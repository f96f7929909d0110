import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempFile } from './helpers';

/**
 * node-postgres (about 5 MB with its dependencies) loads on the first hub connection, not when the core
 * starts: a child process starts a core on a database, answers a call, and lists the modules loaded
 * from node_modules/pg; then opens a hub connection (to a closed port) and lists them again.
 */
const CHILD = `
// tsx loads the sources as CommonJS (the package is not "type": "module"): the exports are the default.
const load = async (file) => { const m = await import(file); return m.default ?? m; };
const { ParkCore } = await load('./src/core/service.ts');
const { openClient } = await load('./src/core/hub/client.ts');
const require = (await import('node:module')).createRequire(import.meta.url);
const pgLoaded = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]/.test(f)).length;
const core = new ParkCore(process.env.DB_FILE, { create: true, user: 'tester' });
core.call('enterprises.summary', {});
const atStart = pgLoaded();
const refused = await openClient({ url: 'postgres://tester@127.0.0.1:1/park', login: 'tester' }, 'x').then(() => 'connected', (e) => e.code);
core.close();
console.log(JSON.stringify({ atStart, afterHubUse: pgLoaded(), refused }));
`;

describe('the hub client', () => {
  it('loads pg on the first hub connection, not at the core start', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      env: { ...process.env, DB_FILE: tempFile() },
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { atStart: number; afterHubUse: number; refused: string };
    expect(out.atStart).toBe(0);
    // The probe sees pg once it is loaded: the check above can fail.
    expect(out.afterHubUse).toBeGreaterThan(0);
    expect(out.refused).toBe('hub_unreachable');
  });
});
