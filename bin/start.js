#!/usr/bin/env node
// `npm start`: run the desktop app where Electron's binary is installed; where it is not
// (machines that install with ELECTRON_SKIP_BINARY_DOWNLOAD=1), say so in one line and serve the same
// UI from the web shell on the same database (created from the embedded demo data on first run).
// (The npm script builds first.)
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');

function electronBinaryPath() {
  try {
    return require('electron'); // the path of the binary; throws when it was not downloaded
  } catch {
    return null;
  }
}
const electronBinary = electronBinaryPath();

if (electronBinary) {
  const child = spawn(electronBinary, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const port = process.env.PARKPILOT_PORT ?? '4780';
  process.stdout.write(`Electron's binary is not installed here, so ParkPilot runs in your browser from the web shell instead (same UI, same database):\n`);
  process.argv = [process.argv[0], 'parkpilot', 'serve', '--demo-if-missing', '--port', port];
  require(join(root, 'out', 'main', 'cli.js'));
}
