import { parentPort } from 'node:worker_threads';
import { encodeChecked, type CheckerIn, type CheckerOut } from './check-wire';
import { rowChecker, type CheckPlan } from './row-check';
import type { Cell } from './source';
import { decodeLine } from './wire-rows';

/**
 * The import's check thread (check-thread.ts starts it): takes the reader's batches of rows as they
 * come, checks each row (row-check.ts: normalise, the create schema) and hands the batch on to the
 * importer with each row's result beside its original line, so the importer's thread only looks rows
 * up in the database and writes them. It touches no database.
 */
const port = parentPort!;
let check: ((cells: Cell[]) => ReturnType<ReturnType<typeof rowChecker>>) | null = null;

port.on('message', (m: CheckerIn) => {
  try {
    if (m.type === 'plan') {
      check = rowChecker(m.plan as CheckPlan);
      return;
    }
    // A rejected row's AppError is an answer, not a fault: no stack trace for each (as in the importer).
    Error.stackTraceLimit = 0;
    const lines = encodeChecked(m.lines, (line) => {
      const r = decodeLine(line, m.typed);
      return check!(r.cells);
    });
    const out: CheckerOut = { type: 'checked', seq: m.seq, lines };
    port.postMessage(out);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) } satisfies CheckerOut);
  }
});
port.postMessage({ type: 'ready' } satisfies CheckerOut);
