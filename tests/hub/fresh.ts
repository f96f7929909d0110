import pg from 'pg';
import { addPerson, prepareHub } from '../../src/core/hub/schema';
import type { Cluster } from './cluster';
import { PEOPLE, passwordOf } from './setup';

let made = 0;

/** A new, prepared hub database on the cluster (one per property run), with the test people. */
export async function freshHubDatabase(cluster: Cluster): Promise<{ url: (login: string) => string; name: string }> {
  const name = `hub_${process.pid}_${++made}`;
  const su = new pg.Client({ connectionString: cluster.url() });
  await su.connect();
  await su.query(`CREATE DATABASE ${name}`);
  await su.end();
  const admin = new pg.Client({ connectionString: cluster.url().replace(/\/postgres$/, `/${name}`) });
  await admin.connect();
  try {
    await prepareHub(admin);
    for (const [login, p] of Object.entries(PEOPLE)) await addPerson(admin, login, p.role, passwordOf(login), p.name);
  } finally {
    await admin.end();
  }
  return { name, url: (login) => `postgres://${login}@127.0.0.1:${cluster.port}/${name}` };
}
