// Builds better-sqlite3 for Electron into resources/native/electron/better_sqlite3.node, from a copy
// of the package in .electron-native/, so the Node build in node_modules (used by the CLI, the web
// shell and the tests) is never overwritten. The main process passes that file as `nativeBinding`;
// electron-builder ships it as resources/native/better_sqlite3.node (see electron-builder.json).
// Needs the devDependency @electron/rebuild and a C++ toolchain. Run: node scripts/packaging/native-electron.cjs
const { cpSync, mkdirSync, rmSync, writeFileSync, copyFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

async function main() {
  const root = resolve(__dirname, '../..');
  const work = join(root, '.electron-native');
  const electronVersion = require(join(root, 'node_modules/electron/package.json')).version;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'parkpilot-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  cpSync(join(root, 'node_modules/better-sqlite3'), join(work, 'node_modules/better-sqlite3'), { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  const out = join(root, 'resources/native/electron');
  mkdirSync(out, { recursive: true });
  copyFileSync(join(work, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(out, 'better_sqlite3.node'));
  process.stdout.write(`better-sqlite3 for Electron ${electronVersion} → ${join(out, 'better_sqlite3.node')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
