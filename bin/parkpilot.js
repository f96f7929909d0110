#!/usr/bin/env node
// The `parkpilot` command: runs the CLI bundle built by `npm run build` (also run by `npm ci`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('parkpilot: not built yet — run `npm run build` first\n');
  process.exit(1);
}
require(cli);
