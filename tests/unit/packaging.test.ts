import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder and Electron's binary cannot be downloaded here: the packaging configuration is
// checked as data, against what the main process and the security checklist expect of it.
interface BuilderConfig {
  icon: string;
  asar: boolean;
  afterPack: string;
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  files: string[];
  extraResources: { from: string; to: string }[];
  [platform: string]: unknown;
}
const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as BuilderConfig;
const hook = createRequire(import.meta.url)(resolve('scripts/packaging/after-pack.cjs')) as { FUSES: Record<string, boolean>; executablePath: (c: unknown) => string };

describe('desktop packaging (electron-builder.json)', () => {
  it('builds an NSIS installer for Windows, a dmg for macOS, an AppImage and a deb for Linux', () => {
    const targets = (platform: string) => ((config[platform] as { target: unknown }).target as (string | { target: string })[]).map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(existsSync(config.icon)).toBe(true);
  });

  it('ships the Electron build of better-sqlite3 apart from the Node build and never rebuilds node_modules', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.files).toContain('!**/node_modules/better-sqlite3/build/**');
    const native = config.extraResources.find((r) => r.to === 'native/better_sqlite3.node');
    expect(native?.from).toBe('resources/native/electron/better_sqlite3.node');
    // The main process looks for it exactly there (resourcesPath/native) and hands it to better-sqlite3.
    const main = readFileSync('src/main/index.ts', 'utf8');
    expect(main).toContain("join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node')");
    expect(main).toContain("'../../resources/native/electron/better_sqlite3.node'");
    expect(readFileSync('scripts/packaging/native-electron.cjs', 'utf8')).toContain("'resources/native/electron'");
  });

  it('packs into a checked asar and sets the fuses after packing', () => {
    expect(config.asar).toBe(true);
    expect(existsSync(config.afterPack)).toBe(true);
    expect(hook.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
    const packager = { appInfo: { productFilename: 'ParkPilot' }, executableName: 'parkpilot' };
    expect(hook.executablePath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(resolve('/o/ParkPilot.exe'));
    expect(hook.executablePath({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe(resolve('/o/ParkPilot.app'));
    expect(hook.executablePath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(resolve('/o/parkpilot'));
  });

  it('leaves the CLI, sources and the Node-only Electron package out of the app', () => {
    for (const pattern of ['!out/main/cli.js', '!**/node_modules/electron/**']) expect(config.files).toContain(pattern);
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
  });
});
