import { createInterface } from 'node:readline';
import { PUSH_LOCK } from '../../src/core/hub/schema';
import { ParkCore } from '../../src/core/service';
import { postgresAvailable } from './cluster';
import { startHub } from './setup';

/**
 * A prepared hub for the Playwright spec, whose loader cannot import the core: starts a throwaway
 * PostgreSQL cluster, prepares the hub with its people (setup.ts), creates the empty databases named
 * on the command line (`--empty FILE …`: a desktop that joins and receives everything), prints one
 * line of JSON and stays up until it is stopped (SIGTERM/SIGINT) or its parent goes (stdin closes).
 * Commands on stdin, one a line, each answered by a line of JSON: `hold-pushes` takes the hub's push
 * lock (every desktop's push then waits: edits made meanwhile meet as a conflict, whatever the load),
 * `release-pushes` lets them go.
 *
 *   {"available": true, "port": 54321, "url": "postgres://LOGIN@127.0.0.1:54321/postgres"}
 *   {"available": false, "reason": "…"}     (no PostgreSQL server binaries here)
 */
async function main(): Promise<void> {
  if (!postgresAvailable()) {
    process.stdout.write(`${JSON.stringify({ available: false, reason: 'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)' })}\n`);
    return;
  }
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--empty' && args[i + 1]) new ParkCore(args[++i]!, { user: 'e2e' }).close();
  }
  const hub = await startHub();
  const control = await hub.as();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      void control.end().catch(() => {});
      hub.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = line.trim();
    const answer = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
    if (command === 'hold-pushes') void control.query('SELECT pg_advisory_lock($1)', [PUSH_LOCK]).then(() => answer({ held: true }), (err: Error) => answer({ error: err.message }));
    else if (command === 'release-pushes') void control.query('SELECT pg_advisory_unlock($1)', [PUSH_LOCK]).then(() => answer({ released: true }), (err: Error) => answer({ error: err.message }));
  });
  process.stdout.write(`${JSON.stringify({ available: true, port: hub.cluster.port, url: hub.url('LOGIN') })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
