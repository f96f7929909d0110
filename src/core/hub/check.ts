import { AppError } from '../errors';
import { hubError, openClient, parseHubUrl } from './client';
import { readMeta, roleOf } from './link';
import { HUB_FORMAT } from './schema';
import type { HubRole } from './roles';

export interface ServeCheck {
  server: string;
  format: number;
  /** Empty until the first desktop publishes its database. */
  park: string;
  published: boolean;
  login: string;
  role: HubRole;
  people: number;
  desktops: number;
  changes: number;
}

/** Whether a server is a usable hub for this login: reachable, prepared, this program's format, a role. */
export async function serveCheck(url: string, password?: string): Promise<ServeCheck> {
  const parsed = parseHubUrl(url);
  const client = await openClient(parsed, password ?? parsed.password);
  try {
    const meta = await readMeta(client);
    if (Number(meta.format) > HUB_FORMAT) throw new AppError('hub_newer', { detail: `format ${meta.format}` });
    const role = await roleOf(client, parsed.login);
    const one = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    return {
      server: String((await client.query('SHOW server_version')).rows[0].server_version),
      format: Number(meta.format),
      park: meta.park,
      published: !!meta.db_id,
      login: parsed.login,
      role,
      people: await one('SELECT count(*) AS n FROM parkpilot.people'),
      desktops: await one('SELECT count(*) AS n FROM parkpilot.sites'),
      changes: await one('SELECT coalesce(max(seq), 0) AS n FROM parkpilot.changes'),
    };
  } catch (err) {
    throw hubError(err);
  } finally {
    await client.end().catch(() => {});
  }
}
