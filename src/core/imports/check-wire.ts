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
export type CheckerOut = { type: 'ready' } | { type: 'checked'; seq: number; lines: string } | { type: 'error'; message: string };

type Encoded = 0 | [values: Row, reasons: string[], data: Row | null, createReasons: string[] | null, negativeZero?: string[]];

const negativeZeros = (row: Row | null, tag: string, into: string[]) => {
  if (row) for (const k in row) if (Object.is(row[k], -0)) into.push(tag + k);
};

/** A batch of the reader's lines with each row's result put in front (on the check thread). */
export function encodeChecked(lines: Uint8Array, check: (line: string) => Checked): string {
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
  return out.join('\n');
}

/** A checked batch's rows (on the importer's thread), each with its result and, when asked for, its cells. */
export function* decodeChecked(text: string, typed: boolean): Generator<SourceRow & { checked: Checked }> {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const tab = text.indexOf('\t', start);
    const encoded = JSON.parse(text.slice(start, tab)) as Encoded;
    let checked: Checked = null;
    if (encoded !== 0) {
      const [values, reasons, data, createReasons, zeros] = encoded;
      for (const z of zeros ?? []) (z[0] === 'v' ? values : data!)[z.slice(1)] = -0;
      checked = { values, reasons, create: data ? { data } : createReasons ? { reasons: createReasons } : null };
    }
    // The reader's line starts `[row,`: the row number without decoding its cells.
    const row = Number(text.slice(tab + 2, text.indexOf(',', tab)));
    const line = [tab + 1, end] as const;
    start = end + 1;
    let cells: SourceRow['cells'] | null = null;
    yield {
      row,
      checked,
      get cells() {
        return (cells ??= decodeLine(text.slice(line[0], line[1]), typed).cells);
      },
    };
  }
}
