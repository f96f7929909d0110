import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/db/materialize';
import { decodeFresh, encodeFresh } from '../../src/core/sync/merge-wire';

const change = (over: Partial<LogEntry>): LogEntry => ({ stamp: '2026-12-03T03:46:01.209Z-0000-fe11d0c0ffee0001', site: '', user: '', tbl: 'enterprises', row_id: 'e1', field: 'headcount', old_value: '17', new_value: '18', ...over });

describe('the classify thread’s wire (merge-wire.ts)', () => {
  it('decodes the changes as encoded: nulls, empty and JSON strings, one change or many, the last one too', () => {
    const fresh = [
      change({}),
      change({ row_id: 'e2', field: '*', old_value: null, new_value: '{"name":"A, B \\"C\\"","tags":["x"]}' }),
      change({ row_id: 'e3', field: 'deleted', old_value: '', new_value: null }),
      change({ tbl: 'leads', row_id: 'l1', field: 'notes', old_value: '"a\\u0001b"', new_value: '' }),
    ];
    for (const some of [fresh, fresh.slice(0, 1), fresh.slice(2)]) expect(decodeFresh(encodeFresh(some)!, some.length)).toEqual(some);
    expect(decodeFresh(encodeFresh([])!, 0)).toEqual([]);
  });

  it('declines a row id holding a separator (the caller classifies in its own thread)', () => {
    expect(encodeFresh([change({ row_id: 'a\u0001b' })])).toBeNull();
  });
});
