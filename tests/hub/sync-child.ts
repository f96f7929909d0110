/**
 * One `hub sync` of a database in its own process, for the crash tests (the parent SIGKILLs it at a
 * random moment). Prints "started" when the sync begins. Usage: tsx sync-child.ts DB (PGPASSWORD set).
 */
import { ParkCore } from '../../src/core/service';

const core = new ParkCore(process.argv[2]!, { create: false, user: 'child' });
process.stdout.write('started\n');
core.context().hub!.sync().then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return core.closeAsync();
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(3);
  },
);
