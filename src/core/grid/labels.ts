import type { Db } from '../db/open';
import { enums, type EnumName } from '../enums';

/** An enum's labels in a form the grid's enum filter matches against. */
export function labelsOf(name: EnumName): Record<string, readonly string[]> {
  return enums[name] as Record<string, readonly string[]>;
}

/** The park's industries (a table the office edits): code → [中文, English], so 大数据 finds `bigdata`. */
export function industryLabels(db: Db): Record<string, readonly string[]> {
  const rows = db.prepare('SELECT id, name_zh, name_en FROM industries').all() as { id: string; name_zh: string; name_en: string }[];
  return Object.fromEntries(rows.map((r) => [r.id, [r.name_zh, r.name_en]]));
}

/**
 * Staff names (owner, mentor) as a closed list: the name is the value the column holds, so a pick
 * list can choose several (`equals` with a comma-separated list) and typed text still matches.
 */
export function staffNameLabels(db: Db): Record<string, readonly string[]> {
  const rows = db.prepare('SELECT DISTINCT name FROM staff WHERE deleted = 0').all() as { name: string }[];
  return Object.fromEntries(rows.map((r) => [r.name, [r.name]]));
}
