import { tables, type TableName } from '../db/tables';
import { AppError } from '../errors';

/**
 * Who may change what, declared once. The hub enforces it in PostgreSQL (row-level security policies
 * generated from these lists, see schema.ts), and a connected desktop checks the same rules in its
 * write path so a person is told at once, not at the next push.
 *
 * - admin: everything, including the plan and its targets, stages, reference lists, shared settings
 *   and the outcome of conflict reviews;
 * - staff: records (enterprises, incubations, leads, visits …), imports, laptop merges;
 * - viewer: reads, exports and reports.
 * Every role may *create* review items: a merge on any desktop records the conflicts it meets, and
 * every copy must hold the same items. Only an admin decides them.
 */
export type HubRole = 'admin' | 'staff' | 'viewer';
export const HUB_ROLES: readonly HubRole[] = ['admin', 'staff', 'viewer'];

/** PostgreSQL group role of each ParkPilot role (a person's login role is a member of one). */
export const groupRole = (role: HubRole): string => `parkpilot_${role}`;

/** Tables only an administrator changes. */
export const ADMIN_TABLES: readonly TableName[] = ['plans', 'targets', 'milestones', 'pipeline_stages', 'industries'];

/** The strongest ParkPilot role among the group roles a login belongs to. */
export function strongestRole(groups: string[]): HubRole | null {
  return HUB_ROLES.find((r) => groups.includes(groupRole(r))) ?? null;
}

/** The write path's check for a connected desktop (db/write.ts `WriteContext.guard`). */
export function guardFor(role: HubRole): (table: string, op: 'insert' | 'update' | 'delete' | 'restore') => void {
  return (table, op) => {
    if (role === 'admin') return;
    if (table === 'review_items' && op === 'insert') return;
    if (role === 'viewer') throw new AppError('hub_read_only');
    if ((ADMIN_TABLES as readonly string[]).includes(table) || table === 'review_items' || table === 'settings') throw new AppError('hub_admin_only', { detail: table });
  };
}

/**
 * The tables a role may not change, from the same rules as `guardFor`: the renderer greys out their
 * editing instead of letting a person type an edit the write path will refuse.
 */
export function readOnlyTables(role: HubRole | null): TableName[] {
  if (!role || role === 'admin') return [];
  const guard = guardFor(role);
  return (Object.keys(tables) as TableName[]).filter((table) => {
    try {
      guard(table, 'update');
      return false;
    } catch {
      return true;
    }
  });
}
