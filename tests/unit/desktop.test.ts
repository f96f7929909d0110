import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Electron's binary is not installed here: the main process's modules run against a stand-in that
// records what they register, and the tests play the events Electron would send.
const electron = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  return {
    handlers,
    app: Object.assign(new Emitter(), { whenReady: () => new Promise(() => {}) }),
    ipcMain: { handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn) },
    shell: { openExternal: vi.fn() },
    session: {},
    dialog: {},
  };
});
vi.mock('electron', () => electron);

const { hardenApp } = await import('../../src/main/security');
const { relayApi } = await import('../../src/main/ipc');
const { MAX_UPLOAD_BYTES } = await import('../../src/core/jobs');
const { chromiumLang, uiLocaleKeeper } = await import('../../src/main/uiLocale');

function fakeContents() {
  return Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
}
const navigation = (url: string) => ({ url, preventDefault: vi.fn() });

describe('desktop window security', () => {
  beforeEach(() => electron.app.removeAllListeners());

  it('redirects and frame navigations are held to the app origin, like navigations', () => {
    hardenApp();
    const contents = fakeContents();
    electron.app.emit('web-contents-created', {}, contents);
    for (const channel of ['will-navigate', 'will-redirect']) {
      const out = navigation('https://evil.example/');
      contents.emit(channel, out, out.url);
      expect(out.preventDefault, channel).toHaveBeenCalled();
      const inside = navigation('app://parkpilot/#/overview');
      contents.emit(channel, inside, inside.url);
      expect(inside.preventDefault, channel).not.toHaveBeenCalled();
    }
    const frame = navigation('http://127.0.0.1:9/steal');
    contents.emit('will-frame-navigate', frame);
    expect(frame.preventDefault).toHaveBeenCalled();
    const own = navigation('app://parkpilot/');
    contents.emit('will-frame-navigate', own);
    expect(own.preventDefault).not.toHaveBeenCalled();
  });

  it('IPC uploads over the size limit are refused before anything is stored', () => {
    const outputPath = vi.fn(() => Promise.resolve({ ok: true }));
    relayApi({ upload: outputPath } as never);
    const upload = electron.handlers.get('parkpilot:upload')!;
    const big = new Uint8Array(1);
    Object.defineProperty(big, 'byteLength', { value: MAX_UPLOAD_BYTES + 1 });
    const r = upload({ senderFrame: { url: 'app://parkpilot/' } }, 'roster.xlsx', big, 'en') as { ok: boolean; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('import_too_large');
    expect(r.error.message).toMatch(/too large/);
    expect(outputPath).not.toHaveBeenCalled();
    const foreign = upload({ senderFrame: { url: 'https://evil.example/' } }, 'x.csv', new Uint8Array(3), 'en') as { ok: boolean };
    expect(foreign.ok).toBe(false);
  });

  it("the window's language, which comes with each call, sets Chromium's locale at the next start (date fields in yyyy/mm/dd)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parkpilot-locale-')), 'ui-locale');
    // The first start: Chinese, as the window is without a saved choice.
    expect(chromiumLang(file)).toBe('zh-CN');
    const keep = uiLocaleKeeper(file);
    relayApi({ invoke: () => Promise.resolve({ ok: true, value: null }) } as never, (_method, _input, _result, locale) => keep(locale));
    const invoke = electron.handlers.get('parkpilot:invoke')!;
    await invoke({ senderFrame: { url: 'app://parkpilot/' } }, 'enterprises.summary', {}, 'en');
    expect(chromiumLang(file)).toBe('en-US');
    await invoke({ senderFrame: { url: 'app://parkpilot/' } }, 'enterprises.summary', {}, 'zh-CN');
    expect(chromiumLang(file)).toBe('zh-CN');
    // Anything else in the file (a hand edit) is Chinese; a call from another page changes nothing.
    writeFileSync(file, 'fr');
    expect(chromiumLang(file)).toBe('zh-CN');
    await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'enterprises.summary', {}, 'en');
    expect(readFileSync(file, 'utf8')).toBe('fr');
  });
});
