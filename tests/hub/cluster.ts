import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for the hub tests: Debian's `postgresql` binaries, `initdb` into a
 * temporary directory, listening on loopback only (password authentication, as a park's server would
 * ask) and on a private Unix socket. PostgreSQL refuses to run as root, so under root the cluster is
 * owned by and run as the `postgres` system user the Debian package creates.
 */
export interface Cluster {
  port: number;
  /** A connection URL for a role (the superuser when none is given). */
  url: (user?: string, password?: string) => string;
  restart: (mode?: 'fast' | 'immediate') => void;
  stop: () => void;
}

export const SUPERUSER = 'ppsuper';
export const SUPERPASS = 'super-secret';

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  return join(base, newest, 'bin');
}

export function postgresAvailable(): boolean {
  try {
    binDir();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startCluster(): Promise<Cluster> {
  const bin = binDir();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pp-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, SUPERPASS);
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (cmd: string, args: string[]) => {
    const full = root ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  // fsync off: a throwaway cluster need not survive the machine losing power. Commits stay synchronous,
  // as on a real server: the crash drills restart the server with SIGQUIT ('immediate'), and an
  // asynchronous commit not yet written would be lost there although the client was told it committed.
  const optionsFor = (p: number) => `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const startOn = (p: number) => run('pg_ctl', ['-D', data, '-o', optionsFor(p), '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  // The free port is released before the server binds it: a test file starting beside this one may take
  // it first. Another port then, a few times.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      startOn(port);
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  const start = () => startOn(port);
  let stopped = false;
  return {
    port,
    url: (user = SUPERUSER, password = user === SUPERUSER ? SUPERPASS : undefined) =>
      `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/postgres`,
    restart: (mode = 'fast') => {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      start();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
