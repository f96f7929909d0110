import { createRequire } from 'node:module';
import type pg from 'pg';
import { AppError } from '../errors';

/**
 * node-postgres (about 5 MB with its dependencies) loads on the first hub connection, not at the core's
 * start: most desktops never join a hub. Required, as exceljs is (imports/exceljs-utf8.ts), rather than
 * import()ed: the bundle is CommonJS, and require reads the packaged app's archive.
 */
const require = createRequire(import.meta.url);
let loaded: typeof import('pg') | null = null;
const nodePostgres = (): typeof import('pg') => (loaded ??= require('pg') as typeof import('pg'));

/**
 * Connections to the hub. The URL a desktop keeps never holds the password: it comes from the
 * person (kept by the desktop's secret store) or, for scheduled CLI jobs, from PGPASSWORD or
 * ~/.pgpass, which node-postgres reads itself.
 */
export interface HubAddress {
  /** postgres://login@host:port/database (any password in it is taken out). */
  url: string;
  login: string;
}

export function parseHubUrl(raw: string, login?: string): HubAddress & { password?: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AppError('hub_bad_url', { detail: raw.slice(0, 80) });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new AppError('hub_bad_url', { detail: u.protocol });
  if (!u.hostname && !u.searchParams.get('host')) throw new AppError('hub_bad_url', { detail: raw.slice(0, 80) });
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const who = login || decodeURIComponent(u.username);
  if (!who) throw new AppError('hub_bad_url', { detail: 'login' });
  u.password = '';
  u.username = encodeURIComponent(who);
  return { url: u.toString(), login: who, ...(password ? { password } : {}) };
}

/** What went wrong, as a person can act on it. */
export function hubError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string };
  const message = String(e.message ?? err).split('\n')[0]!.slice(0, 160);
  switch (e.code) {
    case '28P01':
    case '28000':
      return new AppError('hub_auth', { detail: message });
    case '3F000':
    case '42P01':
    case '42883':
      return new AppError('hub_not_prepared');
    case '42501':
      return new AppError('hub_refused', { count: 1, role: '', detail: message });
  }
  if (/password authentication failed|no password supplied|SASL/i.test(message)) return new AppError('hub_auth', { detail: message });
  return new AppError('hub_unreachable', { detail: message });
}

export async function openClient(address: HubAddress, password: string | undefined): Promise<pg.Client> {
  // Fields rather than `connectionString`: node-postgres lets the string's (empty) password win.
  const u = new URL(address.url);
  const socketDir = u.searchParams.get('host');
  const client = new (nodePostgres().Client)({
    host: socketDir ?? decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || address.login,
    ...(u.searchParams.get('sslmode') && u.searchParams.get('sslmode') !== 'disable' ? { ssl: { rejectUnauthorized: u.searchParams.get('sslmode') === 'verify-full' } } : {}),
    user: address.login,
    ...(password ? { password } : {}),
    application_name: 'ParkPilot',
    connectionTimeoutMillis: 8000,
    keepAlive: true,
  });
  // An idle connection that breaks reports here; the link notices through `end`.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const e = hubError(err);
    // No password given (a shell restarted; the web shell keeps none on disk): ask the person for it. A
    // scheduled job's PGPASSWORD is a password given, and a wrong one is said to be wrong.
    if (!password && !process.env.PGPASSWORD && e.code === 'hub_auth') throw new AppError('hub_password_needed', { detail: address.login });
    throw e;
  }
  return client;
}
