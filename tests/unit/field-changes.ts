import { format } from '../../src/core/db/clock';
import type { LogEntry } from '../../src/core/db/materialize';

/**
 * A laptop's change log written by hand for merge tests: `push` adds one field change, stamped a
 * millisecond after the one before from `start` (or at `at`), under the laptop's site id.
 */
export function fieldChanges(laptop: string, start: number) {
  const changes: LogEntry[] = [];
  const push = (tbl: string, id: unknown, field: string, old: unknown, value: unknown, at = start + changes.length) =>
    changes.push({ stamp: format(at, 0, laptop), site: laptop, user: 'field', tbl, row_id: String(id), field, old_value: JSON.stringify(old ?? null), new_value: JSON.stringify(value) });
  return { changes, push };
}
