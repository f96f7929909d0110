// Runs npm scripts side by side (`node scripts/parallel.mjs lint typecheck`): each one's output is
// printed whole when it ends, so lines never interleave; exits non-zero if any failed. The suite uses it
// for lint and type-check, which each keep one core busy.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const runs = process.argv.slice(2).map(
  (name) =>
    new Promise((resolve) => {
      const child = spawn(npm, ['run', name], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
      const out = [];
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      child.on('close', (code) => {
        process.stdout.write(`> ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${Buffer.concat(out).toString()}`);
        resolve(code === 0);
      });
    }),
);
const results = await Promise.all(runs);
process.exit(results.every(Boolean) ? 0 : 1);
