import type { Db } from '../db/open';
import { enums } from '../enums';
import { leadStages } from '../leads/pipeline';

import { enterpriseRegistry } from '../enterprises/fields';
import { incubationRegistry } from '../incubation/fields';
import { leadRegistry } from '../leads/fields';
import { importFieldsOf, type ImportField, type ImportKind } from '../registry/derive';

/**
 * What an import can fill, per entity: each field's kind and the column headers (Chinese or English)
 * that mean it, derived from the area's field registry. Money columns say their unit in the header
 * (万元, 千元, 元); without one, 万元 — the unit park offices keep.
 */
export type ImportEntity = 'enterprises' | 'leads' | 'incubations';
export type FieldKind = ImportKind;
export type { ImportField };

export const importFields: Record<ImportEntity, Record<string, ImportField>> = {
  enterprises: {
    ...importFieldsOf(enterpriseRegistry),
    // One contact per row, folded into `contacts` by the importer (see contacts.ts).
    contact_name: { kind: 'text', aliases: ['联系人', '联系人姓名', '联系人员', 'contact', 'contact name', 'contact person'] },
    contact_role: { kind: 'text', aliases: ['联系人职务', '职务', 'contact role', 'position'] },
    contact_phone: { kind: 'text', aliases: ['联系电话', '电话', '手机', '手机号', '联系方式', 'phone', 'telephone', 'mobile'] },
    contact_email: { kind: 'text', aliases: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail'] },
  },
  leads: importFieldsOf(leadRegistry),
  incubations: importFieldsOf(incubationRegistry),
};

/** Header text reduced for matching: no spaces, brackets or units, lower case. */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s*：:_\-—]/g, '')
    .trim();
}

/** The money unit a header names, as a yuan multiplier; 万元 when it names none. */
export function headerUnit(header: string): number {
  if (/亿元/.test(header)) return 100_000_000;
  if (/万元|万/.test(header)) return 10_000;
  if (/千元/.test(header)) return 1_000;
  if (/元|yuan|cny/i.test(header)) return 1;
  return 10_000;
}

export function matchField(entity: ImportEntity, header: string): string | null {
  const key = headerKey(header);
  if (!key) return null;
  return aliasKeys(entity).get(key) ?? null;
}

/** Each alias's key → its field (the first field that has it, as a search in field order finds it), built once. */
const aliasKeyMaps = new Map<ImportEntity, Map<string, string>>();
function aliasKeys(entity: ImportEntity): Map<string, string> {
  let map = aliasKeyMaps.get(entity);
  if (!map) {
    map = new Map();
    for (const [field, spec] of Object.entries(importFields[entity])) for (const a of spec.aliases) if (!map.has(headerKey(a))) map.set(headerKey(a), field);
    aliasKeyMaps.set(entity, map);
  }
  return map;
}

/** Codes reachable by a label, code or English name, for enum-like columns. */
export function labelIndex(db: Db, field: ImportField): Map<string, string> {
  const index = new Map<string, string>();
  const add = (code: string, ...labels: string[]) => {
    for (const l of [code, ...labels]) index.set(l.trim().toLowerCase(), code);
  };
  if (field.kind === 'enum' && field.enumName) for (const [code, labels] of Object.entries(enums[field.enumName])) add(code, ...(labels as readonly string[]));
  if (field.kind === 'industry') for (const r of db.prepare('SELECT id, name_zh, name_en FROM industries WHERE deleted = 0').all() as { id: string; name_zh: string; name_en: string }[]) add(r.id, r.name_zh, r.name_en);
  if (field.kind === 'stage') for (const s of leadStages(db)) add(s.id, s.name_zh, s.name_en);
  if (field.kind === 'staff') for (const r of db.prepare('SELECT id, name FROM staff WHERE deleted = 0').all() as { id: string; name: string }[]) add(r.id, r.name);
  if (field.kind === 'enterprise') for (const r of db.prepare('SELECT id, name, uscc FROM enterprises WHERE deleted = 0').all() as { id: string; name: string; uscc: string | null }[]) add(r.id, r.name, ...(r.uscc ? [r.uscc] : []));
  return index;
}
