import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { Locale } from '../core/errors';
import { serveCheck } from '../core/hub/check';
import { hubError, openClient, parseHubUrl } from '../core/hub/client';
import { HUB_ROLES, type HubRole } from '../core/hub/roles';
import { addPerson, prepareHub } from '../core/hub/schema';
import { ParkCore } from '../core/service';
import { UsageError } from './usage';
import { osUserName } from './os-user';

/**
 * `parkpilot hub …`: the office hub for the park's IT person and for scheduled jobs. Passwords never
 * appear on the command line: the signing-in password comes from PGPASSWORD or ~/.pgpass (read by
 * node-postgres) or --password-file; a new person's password from --new-password-file.
 */
export const HUB_USAGE = `  hub init --url postgres://SUPERUSER@HOST/DB    prepare a PostgreSQL database as the hub (schema, roles, policies)
  hub add-person --url ADMIN_URL --login L --role admin|staff|viewer --name NAME --new-password-file F
                                                 a person who signs in to the hub (their own login role)
  hub connect --db DB --url postgres://LOGIN@HOST/DB [--merge]
                                                 publish DB to an empty hub, or join it (--merge: a standalone database)
  hub sync --db DB                               one pull and push (for scheduled jobs)
  hub status --db DB [--json]                    connection, role, last sync, changes waiting
  hub serve-check --url postgres://LOGIN@HOST/DB [--json]
                                                 whether the server and the signed-in role are usable
  (hub passwords: PGPASSWORD, ~/.pgpass or --password-file)`;

const readSecret = (file: unknown): string | undefined => (typeof file === 'string' ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : undefined);

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

/** `connect` may name a new file: a new desktop's empty database, which joins and receives everything. */
function open(values: Record<string, unknown>, create = false): ParkCore {
  const file = required(values, 'db');
  if (!create && !existsSync(file)) throw new UsageError(`${file}: no such database`);
  return new ParkCore(file, { create, user: osUserName() });
}

async function asAdmin<T>(url: string, password: string | undefined, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const parsed = parseHubUrl(url);
  const client = await openClient(parsed, password ?? parsed.password);
  try {
    return await fn(client);
  } catch (err) {
    throw hubError(err);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function runHub(args: string[], locale: Locale): Promise<void> {
  const sub = args[0];
  const { values } = parseArgs({
    args: args.slice(1),
    strict: true,
    options: {
      db: { type: 'string' }, url: { type: 'string' }, login: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' },
      'password-file': { type: 'string' }, 'new-password-file': { type: 'string' }, merge: { type: 'boolean' }, json: { type: 'boolean' },
      lang: { type: 'string' }, // read by index.ts before the command runs
    },
  });
  const password = readSecret(values['password-file']);
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  switch (sub) {
    case 'init':
      await asAdmin(required(values, 'url'), password, prepareHub);
      return out('hub prepared: schema parkpilot, roles parkpilot_admin / parkpilot_staff / parkpilot_viewer');
    case 'add-person': {
      const role = required(values, 'role') as HubRole;
      if (!HUB_ROLES.includes(role)) throw new UsageError('--role is admin, staff or viewer');
      const secret = readSecret(values['new-password-file']);
      if (!secret) throw new UsageError('--new-password-file is required (the new person’s password, one line)');
      const login = required(values, 'login');
      await asAdmin(required(values, 'url'), password, (c) => addPerson(c, login, role, secret, (values.name as string | undefined) ?? login));
      return out(`${login} may sign in to the hub as ${role}`);
    }
    case 'serve-check': {
      const check = await serveCheck(required(values, 'url'), password);
      if (values.json) return out(JSON.stringify(check, null, 2));
      return out(
        `ok: PostgreSQL ${check.server}, hub format ${check.format}, ${check.published ? `park “${check.park || '—'}” published` : 'no database published yet'}; ` +
          `signed in as ${check.login} (${check.role}); ${check.people} people, ${check.desktops} desktops, ${check.changes} changes`,
      );
    }
    case 'connect':
    case 'sync':
    case 'status': {
      const core = open(values, sub === 'connect');
      try {
        const hub = core.context(locale).hub!;
        if (sub === 'connect') {
          const status = await hub.connect({ url: required(values, 'url'), merge: !!values.merge, ...(password ? { password } : {}) });
          return out(`connected as ${status.person} (${status.role}); ${status.waiting} changes waiting`);
        }
        if (sub === 'sync') {
          const { pulled, pushed } = await hub.sync();
          return out(`${pulled} changes merged from the hub, ${pushed} pushed`);
        }
        const status = hub.status(locale);
        if (values.json) return out(JSON.stringify(status, null, 2));
        if (status.url === null) return out('not connected to an office hub');
        return out(
          `${status.url} as ${status.person} (${status.role}); last sync ${status.lastSync ?? 'never'}; ${status.waiting} changes waiting` +
            (status.refused ? `; ${status.refused.count} refused by the hub (${status.refused.detail})` : ''),
        );
      } finally {
        await core.closeAsync();
      }
    }
    default:
      throw new UsageError(`unknown hub command "${sub ?? ''}" (init, add-person, connect, sync, status or serve-check)`);
  }
}
