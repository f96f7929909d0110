import type { Row } from '../db/write';
import type { CheckPlan, Checked } from './row-check';
import type { SourceRow } from './source';
import { batchLines, decodeLine } from './wire-rows';

/**
 * The check thread's batches (check-worker.ts): each line is the row's check result as JSON, a tab,
 * then the reader's own line for the row (JSON escapes every tab, so the first one is the divider).
 * The importer decodes the result of a row as it takes it, and the row's cells only if it keeps them
 * (a rejected row, for the correction workbook). JSON has no -0: a money or number field that is -0
 * travels as 0 with its key named beside the result.
 */
export type CheckerIn = { type: 'plan'; plan: CheckPlan } | { type: 'rows'; seq: number; lines: Uint8Array; typed: boolean };
export type CheckerOut = { type: 'ready' } | { type: 'checked'; seq: number; lines: Uint8Array } | { type: 'error'; message: string };

type Encoded = 0 | [values: Row, reasons: string[], data: Row | null, createReasons: string[] | null, negativeZero?: string[]];

const negativeZeros = (row: Row | null, tag: string, into: string[]) => {
  if (row) for (const k in row) if (Object.is(row[k], -0)) into.push(tag + k);
};

/** A batch of the reader's lines with each row's result put in front (on the check thread). */
export function encodeChecked(lines: Uint8Array, check: (line: string) => Checked): Uint8Array {
  const out: string[] = [];
  for (const [buffer, start, end] of batchLines(lines)) {
    const line = buffer.toString('utf8', start, end);
    const c = check(line);
    let encoded: Encoded = 0;
    if (c) {
      const data = c.create && 'data' in c.create ? c.create.data : null;
      const zeros: string[] = [];
      negativeZeros(c.values, 'v', zeros);
      negativeZeros(data, 'd', zeros);
      encoded = [c.values, c.reasons, data, c.create && 'reasons' in c.create ? c.create.reasons : null, ...(zeros.length ? [zeros] : [])] as Encoded;
    }
    out.push(`${JSON.stringify(encoded)}\t${line}`);
  }
  return new TextEncoder().encode(out.join('\n')); // its own buffer (never Node's shared pool): it is transferred
}

/** A checked batch's rows (on the importer's thread), each with its result and, when asked for, its cells. */
export function* decodeChecked(lines: Uint8Array, typed: boolean): Generator<SourceRow & { checked: Checked }> {
  for (const [buffer, start, end] of batchLines(lines)) {
    const tab = buffer.indexOf(9, start);
    const encoded = JSON.parse(buffer.toString('utf8', start, tab)) as Encoded;
    let checked: Checked = null;
    if (encoded !== 0) {
      const [values, reasons, data, createReasons, zeros] = encoded;
      for (const z of zeros ?? []) (z[0] === 'v' ? values : data!)[z.slice(1)] = -0;
      checked = { values, reasons, create: data ? { data } : createReasons ? { reasons: createReasons } : null };
    }
    // The reader's line starts `[row,`: the row number without decoding its cells.
    const row = Number(buffer.toString('latin1', tab + 2, buffer.indexOf(44, tab)));
    let cells: SourceRow['cells'] | null = null;
    yield {
      row,
      checked,
      get cells() {
        return (cells ??= decodeLine(buffer.toString('utf8', tab + 1, end), typed).cells);
      },
    };
  }
}
