import { enums, type EnumName } from '../enums';
import type { ColumnKind as ExportKind } from '../exports/cells';
import { industryLabels, labelsOf, staffNameLabels } from '../grid/labels';
import type { ColumnType, GridColumn, GridView } from '../grid/query';
import { stageLabels } from '../leads/pipeline';
import { fullLabel, type FieldSpec, type FieldType, type GridSpec, type Label, type Registry } from './field';

/**
 * What the rest of the core and the renderer derive from a field registry: the grid view (filter and
 * sort allow-list), the import mapping, the export view and the renderer's field descriptions.
 */

const GRID_TYPE: Partial<Record<FieldType, ColumnType>> = { money: 'number', int: 'number', number: 'number', bool: 'number', date: 'date', enum: 'enum', stage: 'enum', industry: 'enum' };

/** The labels a filter on a coded column matches typed text against (users type words, not codes). */
function gridLabels(spec: FieldSpec): GridColumn['labels'] {
  if (spec.type === 'stage') return stageLabels;
  if (spec.type === 'industry') return industryLabels;
  if (spec.kind === 'view' && spec.pickList === 'staff') return staffNameLabels;
  return spec.enum ? labelsOf(spec.enum) : undefined;
}

/** The SQL of a field in its area's grid: a stored field is a column of the area's own table. */
const sqlOf = (name: string, spec: FieldSpec, alias: string) => (spec.kind === 'view' ? spec.sql : `${alias}.${name}`);

/** The grid view: every field with `grid` becomes an allow-listed column; view fields join the select. */
export function gridView(registry: Registry, base: { from: string; alias: string; fts?: { field: string; table: string } }): GridView {
  const columns: Record<string, GridColumn> = {};
  const computed: string[] = [];
  for (const [name, spec] of Object.entries(registry)) {
    const sql = sqlOf(name, spec, base.alias);
    if (spec.kind === 'view' && sql !== `${base.alias}.${name}`) computed.push(`${sql} AS ${name}`);
    if (!spec.grid) continue;
    const labels = gridLabels(spec);
    columns[name] = {
      sql,
      type: labels ? 'enum' : (GRID_TYPE[spec.type] ?? 'text'),
      ...(spec.grid.sortable ? { sortable: true } : {}),
      ...(labels ? { labels } : {}),
      ...(base.fts?.field === name ? { fts: base.fts.table } : {}),
    };
  }
  return { from: base.from, rowid: `${base.alias}.rowid`, where: `${base.alias}.deleted = 0`, select: [`${base.alias}.*`, ...computed].join(', '), columns };
}

/** How an import reads a field's cells. */
export type ImportKind = 'text' | 'uscc' | 'date' | 'money' | 'number' | 'int' | 'enum' | 'industry' | 'stage' | 'staff' | 'enterprise';
export interface ImportField {
  kind: ImportKind;
  /** Headers that mean the field: its synonyms, then its labels in both languages. */
  aliases: string[];
  enumName?: EnumName;
  required?: boolean;
}

const IMPORT_KIND: Partial<Record<FieldType, ImportKind>> = {
  text: 'text', longText: 'text', uscc: 'uscc', date: 'date', money: 'money', int: 'int', number: 'number',
  enum: 'enum', stage: 'stage', industry: 'industry', staff: 'staff', enterprise: 'enterprise',
};

/** The importable fields (those with `import`), each with the headers that name it. */
export function importFieldsOf(registry: Registry): Record<string, ImportField> {
  const out: Record<string, ImportField> = {};
  for (const [name, spec] of Object.entries(registry)) {
    if (spec.kind !== 'stored' || !spec.import) continue;
    const kind = IMPORT_KIND[spec.type];
    if (!kind) throw new Error(`field ${name}: a ${spec.type} cannot be imported`);
    const aliases = [...new Set([...spec.label, ...spec.import, fullLabel(spec, 0), fullLabel(spec, 1)])];
    // A row must carry required text (a name); required codes (kind, status, stage) get the importer's defaults.
    const required = spec.required && spec.type !== 'enum' && spec.type !== 'stage';
    out[name] = { kind, aliases, ...(spec.enum ? { enumName: spec.enum } : {}), ...(required ? { required: true } : {}) };
  }
  return out;
}

/** A column of an export view, with headers in both languages that the importer maps straight back. */
export interface ExportColumn {
  key: string;
  zh: string;
  en: string;
  kind: ExportKind;
  /** Codes shown as labels: an enum, the industry list or the lead stages. */
  labels?: 'industry' | 'leadStage' | keyof typeof enums;
}

const EXPORT_KIND: Partial<Record<FieldType, ExportKind>> = { date: 'date', money: 'money', int: 'number', number: 'number' };

/** The default export: importable stored fields and view fields, unless marked `export: false`. */
export function exportColumnsOf(registry: Registry): ExportColumn[] {
  return Object.entries(registry)
    .filter(([, spec]) => spec.export ?? (spec.kind === 'view' || !!spec.import))
    .map(([key, spec]) => {
      const labels = spec.type === 'industry' ? 'industry' : spec.type === 'stage' ? 'leadStage' : spec.enum;
      return { key, zh: fullLabel(spec, 0), en: fullLabel(spec, 1), kind: EXPORT_KIND[spec.type] ?? 'text', ...(labels ? { labels } : {}) };
    });
}

/** A field as the renderer needs it to build its grid columns, form and history (through `meta.fields`). */
export interface FieldMeta {
  name: string;
  type: FieldType;
  /** Label with its unit, in zh-CN and en. */
  label: Label;
  /** Enum codes in their order (stages run in this order); lead stages come from `pipeline.stages`. */
  enum?: { name: EnumName | 'leadStage'; codes?: string[] };
  required?: boolean;
  stored: boolean;
  grid?: GridSpec & { filter: 'text' | 'number' | 'date' | false };
  form?: { wide?: boolean; role?: string };
}

export function fieldMetas(registry: Registry): FieldMeta[] {
  return Object.entries(registry).map(([name, spec]) => {
    const type = GRID_TYPE[spec.type];
    const filter = spec.grid?.noFilter ? false : type === 'number' || type === 'date' ? type : 'text';
    const enumMeta = spec.type === 'stage' ? { name: 'leadStage' as const } : spec.enum ? { name: spec.enum, codes: Object.keys(enums[spec.enum]) } : undefined;
    const form = spec.kind === 'stored' && !spec.form?.hidden ? { ...(spec.form?.wide ? { wide: true } : {}), ...(spec.form?.role ? { role: spec.form.role } : {}) } : undefined;
    return {
      name,
      type: spec.type,
      label: [fullLabel(spec, 0), fullLabel(spec, 1)] as const,
      stored: spec.kind === 'stored',
      ...(enumMeta ? { enum: enumMeta } : {}),
      ...(spec.kind === 'stored' && spec.required ? { required: true } : {}),
      ...(spec.grid && spec.grid.show !== false ? { grid: { ...spec.grid, filter } } : {}),
      ...(form ? { form } : {}),
    };
  });
}
