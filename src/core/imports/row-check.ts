import type { Row } from '../db/write';
import { zodToAppError } from '../dispatch';
import { AppError, formatMessage, type ErrorCode, type Locale } from '../errors';
import { createSchemas } from './create-schemas';
import { foldContact } from './contacts';
import type { ImportEntity, FieldKind } from './fields';
import { isBlank, parseDate, parseNumber, parseText, parseUscc, type Parsed } from './normalize';
import { CellProblem, type Cell } from './source';

/**
 * What an import does to a row before it needs the database: its cells normalised into field values
 * (or reasons), and the values the entity's create would get run through its create schema (zod),
 * the very `safeParse` that `dispatch` runs. Pure, given a plan worked out once per import, so it
 * runs on the check thread (check-worker.ts) as well as in the importer's own thread, with the same
 * result: the importer then only looks the row up, applies the rules that read the database, and
 * writes it.
 */
export interface ImportColumn {
  index: number;
  header: string;
  field: string;
}

/** Everything a row's check needs, worked out once per import from the database (plain data: it travels to the thread). */
export interface CheckPlan {
  entity: ImportEntity;
  locale: Locale;
  columns: ImportColumn[];
  /** Each mapped column's kind and money unit (from its header), in column order. */
  mapped: { column: ImportColumn; kind: FieldKind; unit: number }[];
  /** The fields a row must have, with the header the file names each by. */
  required: { field: string; label: string }[];
  /** Label → code of each mapped enum-like column (labelIndex), as entries. */
  labels: Record<string, [string, string][]>;
  /** The first open stage of the lead pipeline (a new lead's stage when the file gives none). */
  openStage: string;
}

/**
 * A row checked: blank (null), or its values with the normaliser's reasons and, when there are none,
 * what the create schema made of the values with the create defaults: the parsed input, or the reasons
 * its failure gives (as the importer words a handler's AppError).
 */
export type Checked = { values: Row; reasons: string[]; create: { data: Row } | { reasons: string[] } | null } | null;

/** The reason each kind of problem cell gives. */
const CELL_PROBLEMS: Record<CellProblem['kind'], ErrorCode> = { formula: 'import_cell_formula', error: 'import_cell_error', date: 'import_date', shared: 'import_cell_shared' };

const NAME_FIELD: Record<ImportEntity, string> = { enterprises: 'name', leads: 'company', incubations: 'team_name' };
export const importNameField = (entity: ImportEntity) => NAME_FIELD[entity];

/** The row checker of a plan. */
export function rowChecker(plan: CheckPlan): (cells: Cell[]) => Checked {
  const normalise = rowNormaliser(plan);
  // The entity's create schema (create-schemas.ts: the handler's own), as dispatch runs it before `create`.
  const create = createSchemas[plan.entity];
  return (cells) => {
    if (cells.every(isBlank)) return null;
    const { values, reasons } = normalise(cells);
    if (reasons.length) return { values, reasons, create: null };
    const input = { ...createDefaults(plan, values), ...values };
    const parsed = create.safeParse(input);
    return { values, reasons, create: parsed.success ? { data: parsed.data as Row } : { reasons: reasonsOf(zodToAppError(parsed.error, input), plan.locale, plan.columns) } };
  };
}

/** Turns a row's cells into field values by the column mapping, or into one reason per problem. */
function rowNormaliser({ entity, columns, locale, labels, mapped, required }: CheckPlan): (cells: Cell[]) => { values: Row; reasons: string[] } {
  const indexes = new Map(Object.entries(labels).map(([field, entries]) => [field, new Map(entries)]));
  const t = (code: ErrorCode, params: Record<string, string | number> = {}) => formatMessage(code, params, locale);
  // What each mapped column needs per cell, worked out once (checkPlan: a money column's unit is its header's).
  const plan = mapped.map(({ column: col, kind, unit }) => ({ col, kind, name: col.header || col.field, unit }));
  const parseCell = (p: (typeof plan)[number], cell: Cell): Parsed<unknown> => {
    switch (p.kind) {
      case 'date': return parseDate(cell);
      case 'money': return parseNumber(cell, { money: p.unit });
      case 'int': return parseNumber(cell, { integer: true });
      case 'number': return parseNumber(cell);
      case 'uscc': return parseUscc(cell);
      case 'text': return { value: parseText(cell) };
      default: {
        const code = indexes.get(p.col.field)!.get(parseText(cell).toLowerCase());
        return code ? { value: code } : { problem: p.kind === 'enum' || p.kind === 'industry' || p.kind === 'stage' ? 'import_enum' : 'import_unknown_ref', params: { value: parseText(cell) } };
      }
    }
  };
  return (cells) => {
    const values: Row = {};
    const reasons: string[] = [];
    for (const p of plan) {
      const cell = cells[p.col.index] ?? null;
      if (isBlank(cell)) continue;
      if (cell instanceof CellProblem) {
        reasons.push(t(CELL_PROBLEMS[cell.kind], { field: p.name, value: cell.text }));
        continue;
      }
      const parsed = parseCell(p, cell);
      if ('problem' in parsed) reasons.push(t(parsed.problem, { field: p.name, ...parsed.params }));
      else values[p.col.field] = parsed.value;
    }
    for (const r of required) if (values[r.field] == null) reasons.push(t('import_missing', { field: r.label }));
    if (entity === 'enterprises') {
      const orphan = foldContact(values);
      const header = (field: string) => columns.find((c) => c.field === field)?.header || field;
      if (orphan) reasons.push(t('import_contact_without_name', { field: header(orphan), name: header('contact_name') === 'contact_name' ? (locale === 'en' ? 'Contact' : '联系人') : header('contact_name') }));
    }
    return { values, reasons };
  };
}

/** What a new record gets for required fields the spreadsheet does not carry. */
function createDefaults(plan: CheckPlan, values: Row): Row {
  if (plan.entity === 'enterprises') return { kind: 'startup', status: values.exit_date ? 'exited' : 'settled' };
  if (plan.entity === 'leads') return { source: 'other', stage: plan.openStage };
  return { stage: values.exit_date ? 'graduated' : values.admitted_date ? 'incubating' : 'applied' };
}

/** A handler's refusal as the rejected-rows report words it. */
export function reasonsOf(err: unknown, locale: Locale, columns: ImportColumn[]): string[] {
  if (err instanceof AppError) {
    const payload = err.toPayload(locale);
    // A field's path ends in its name (`patch.name` on an update): the reason names the file's column.
    if (payload.fields?.length) return payload.fields.map((f) => { const name = f.field.split('.').at(-1)!; return `${columns.find((c) => c.field === name)?.header || name}: ${f.message}`; });
    return [payload.message];
  }
  return [err instanceof Error ? err.message : String(err)];
}
