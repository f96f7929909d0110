import type { Row } from '../db/write';

/** The column that names a record of each table, for people (the review queue, a merge preview's conflicts). */
const LABEL: Record<string, string> = { enterprises: 'name', leads: 'company', incubations: 'team_name', staff: 'name', plans: 'name', targets: 'name', milestones: 'name', industries: 'name_zh', pipeline_stages: 'name_zh', visits: 'purpose', attachments: 'name', requests: 'text' };

/** A record's name as people know it, or null (a table without one, a record not here). */
export function recordLabel(table: string, row: Row | undefined): string | null {
  const column = LABEL[table];
  const value = row && column ? row[column] : null;
  return typeof value === 'string' && value ? value : null;
}
