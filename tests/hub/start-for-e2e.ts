import { ParkCore } from '../../src/core/service';
import { postgresAvailable } from './cluster';
import { startHub } from './setup';

/**
 * A prepared hub for the Playwright spec, whose loader cannot import the core: starts a throwaway
 * PostgreSQL cluster, prepares the hub with its people (setup.ts), creates the empty databases named
 * on the command line (`--empty FILE …`: a desktop that joins and receives everything), prints one
 * line of JSON and stays up until it is stopped (SIGTERM/SIGINT) or its parent goes (stdin closes).
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
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      hub.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ available: true, port: hub.cluster.port, url: hub.url('LOGIN') })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
