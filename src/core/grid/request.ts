import { z } from 'zod';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import type { Segmentation } from './segments';

/**
 * What a grid asks for and what a view offers: the view's columns (an allow-list of SQL expressions),
 * the request schema (AG Grid's infinite row model: sort, filter, start and end row) and the answer.
 */
export type ColumnType = 'text' | 'number' | 'date' | 'enum';

export interface GridColumn {
  /** SQL expression over the view's FROM clause; from code, never from input. */
  sql: string;
  type: ColumnType;
  sortable?: boolean;
  /** Enum columns: the codes whose labels match a typed text, in any UI language (or read from the database). */
  labels?: Record<string, readonly string[]> | ((db: Db) => Record<string, readonly string[]>);
  /** Text columns indexed in an FTS table: `contains` uses it to avoid a full scan. */
  fts?: string;
  /**
   * A stored text column with few distinct values and an index on it (a building, a room number):
   * `contains` picks the distinct values that contain the text (a skip along the index) and matches
   * rows by equality, so the filter is an index lookup instead of LIKE on every row.
   */
  fewValues?: boolean;
}

export interface GridView {
  from: string;
  /** Row identity; also the last key of every ORDER BY, so the order is total and ids are stable. */
  rowid: string;
  where: string;
  select: string;
  columns: Record<string, GridColumn>;
  /** Indexes keyed (segment columns, sort column) for filtered first pages (see segments.ts). */
  segments?: Segmentation;
}

const textCondition = z.object({
  filterType: z.literal('text'),
  type: z.enum(['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank']),
  filter: z.string().max(200).nullish(),
});
const numberCondition = z.object({
  filterType: z.literal('number'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank']),
  filter: z.number().nullish(),
  filterTo: z.number().nullish(),
});
const dateCondition = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  dateFrom: z.string().max(40).nullish(),
  dateTo: z.string().max(40).nullish(),
});
const condition = z.discriminatedUnion('filterType', [textCondition, numberCondition, dateCondition]);
const combined = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(condition).min(1).max(4),
});

/** Rows one grid page may ask for (the grid asks for 100 at a time; exports read without pages). */
export const MAX_PAGE_ROWS = 1000;

export const gridRequestSchema = z.strictObject({
  startRow: z.number().int().min(0),
  endRow: z.number().int().min(1),
  sortModel: z.array(z.strictObject({ colId: z.string().max(64), sort: z.enum(['asc', 'desc']) })).max(3).default([]),
  filterModel: z.record(z.string().max(64), z.union([condition, combined])).default({}),
  quickFilter: z.string().max(200).optional(),
}).refine((r) => r.endRow > r.startRow && r.endRow - r.startRow <= MAX_PAGE_ROWS, { message: `endRow must be above startRow, by at most ${MAX_PAGE_ROWS} rows`, path: ['endRow'] });
export type GridRequest = z.infer<typeof gridRequestSchema>;
export type GridFilterModel = GridRequest['filterModel'];

export interface GridResult<R> {
  rows: R[];
  /** Exact number of rows matching the filter. */
  count: number;
}

export type Condition = z.infer<typeof condition>;
/** A piece of SQL with its bound parameters. */
export type Clause = { sql: string; params: unknown[] };

/** A column (or filter type) the view does not have: the caller's mistake, answered as invalid input. */
export class GridColumnError extends AppError {
  constructor(readonly column: string) {
    super('invalid_input', { detail: `unknown column ${column}` }, [{ field: column, code: 'invalid_input', params: { detail: 'unknown column' } }]);
  }
}
