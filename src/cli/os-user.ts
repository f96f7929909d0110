import { userInfo } from 'node:os';

/**
 * Who the change log names for edits made through the CLI and its web shell when Settings names no one:
 * the signed-in account. `USER` alone is unset on Windows (which has `USERNAME`) and in many services and
 * containers, and the log then said "cli" for every edit; the account's name from the OS comes first.
 */
export function osUserName(): string {
  try {
    const name = userInfo().username.trim();
    if (name) return name;
  } catch {
    // (no entry for this uid, e.g. an arbitrary container user)
  }
  return process.env.USER ?? process.env.USERNAME ?? 'cli';
}
