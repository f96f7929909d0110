import type { Row } from '../db/write';

/**
 * A roster names one contact per row in its own columns (联系人, 职务, 联系电话, 邮箱), while an
 * enterprise keeps a list of contacts. These fold the row's columns into that list, and merge it
 * into the list an existing record has, so an update neither drops nor duplicates a person.
 */
export interface Contact {
  name: string;
  role?: string | null;
  phone?: string | null;
  email?: string | null;
}

const PARTS = { contact_role: 'role', contact_phone: 'phone', contact_email: 'email' } as const;

/**
 * Moves the row's contact_* values into `contacts` (one person). Returns the field of a contact
 * detail given without a name (a phone with no person is not a contact), or null when fine.
 */
export function foldContact(values: Row): string | null {
  const name = values.contact_name as string | undefined;
  const contact: Contact = { name: name ?? '' };
  let orphan: string | null = null;
  for (const [field, key] of Object.entries(PARTS)) {
    const v = values[field] as string | undefined;
    delete values[field];
    if (v == null) continue;
    contact[key] = v;
    if (!name) orphan ??= field;
  }
  delete values.contact_name;
  if (name) values.contacts = [contact];
  return orphan;
}

/** The existing list with the incoming people: the same name is updated field by field, others appended. */
export function mergeContacts(existing: Contact[], incoming: Contact[]): Contact[] {
  const out = existing.map((c) => ({ ...c }));
  for (const c of incoming) {
    const same = out.find((o) => o.name === c.name);
    if (same) Object.assign(same, c);
    else out.push(c);
  }
  return out;
}
