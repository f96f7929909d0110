import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubStatus } from '../../src/core/hub/link';
import { ParkCore } from '../../src/core/service';
import { postgresAvailable } from '../hub/cluster';
import { passwordOf, startHub, type TestHub } from '../hub/setup';
import { tempFile } from './helpers';

/**
 * How the shells open a hub-connected database (hubSync, hubPassword): the web shell keeps the
 * password only in memory, so after a restart the status asks for it and Settings' Connect with the
 * same address resumes; the desktop app passes the password it saved and syncs at once.
 */
let hub: TestHub;
const cores: ParkCore[] = [];
const open = (file: string, hubPassword?: string) => {
  const core = new ParkCore(file, { user: 'shell', hubSync: true, ...(hubPassword ? { hubPassword } : {}) });
  cores.push(core);
  return core;
};
const status = (core: ParkCore, locale: 'zh-CN' | 'en' = 'zh-CN') => {
  const r = core.invoke('hub.status', {}, locale) as { ok: true; value: HubStatus };
  return r.value;
};
async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!postgresAvailable())('a shell reopening a hub-connected database', () => {
  beforeAll(async () => {
    hub = await startHub();
  }, 120_000);
  afterAll(async () => {
    for (const c of cores) await c.closeAsync().catch(() => {});
    hub?.stop();
  });

  it('without the password: the status says it is needed (in the person’s language), and Connect with it resumes', async () => {
    const file = tempFile('shell.db');
    const first = open(file);
    first.call('enterprises.create', { name: '珠海重启科技有限公司', kind: 'startup', status: 'settled' });
    await first.context().hub!.connect({ url: hub.url('director'), password: passwordOf('director') });
    await first.closeAsync();

    const restarted = open(file);
    await until(() => status(restarted).state === 'error', 'the link to give up on the missing password');
    expect(status(restarted)).toMatchObject({ connected: false, url: hub.url('director'), error: { code: 'hub_password_needed' } });
    expect(status(restarted).error!.message).toContain('请输入办公室数据中心的密码');
    expect(status(restarted, 'en').error!.message).toContain('Enter the office hub password');

    // A wrong password is still called wrong (the person typed one).
    const wrong = await restarted.invoke('hub.connect', { url: hub.url('director'), password: 'nope' }, 'en');
    expect(wrong).toMatchObject({ ok: false, error: { code: 'hub_auth' } });

    const again = await restarted.invoke('hub.connect', { url: hub.url('director'), password: passwordOf('director') }, 'zh-CN');
    expect(again).toMatchObject({ ok: true, value: { connected: true, role: 'admin', waiting: 0 } });
    await restarted.closeAsync();

    // The desktop app passes the password it kept: connected with no question asked.
    const desktop = open(file, passwordOf('director'));
    await until(() => status(desktop).connected, 'the desktop to reconnect with its saved password');
    expect(status(desktop).error).toBeNull();
  }, 60_000);
});
