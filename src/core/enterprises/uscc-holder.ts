import { prepared, type Db } from '../db/open';

/**
 * The live enterprise that holds a (normalised) credit code, other than `except`. One lookup for the two
 * places that ask: the enterprise rules (a code is unique among live enterprises, as the partial unique
 * index enforces; the rule names who has it) and the import (a row is the enterprise with its code).
 */
export function enterpriseWithUscc(db: Db, uscc: string, except?: string): { id: string; name: string } | undefined {
  return prepared(db, 'SELECT id, name FROM enterprises WHERE uscc = ? AND deleted = 0 AND id IS NOT ?').get(uscc, except ?? null) as { id: string; name: string } | undefined;
}
