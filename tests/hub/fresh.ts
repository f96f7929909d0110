import pg from 'pg';
import type { Cluster } from './cluster';
import { prepareWithPeople } from './setup';

let made = 0;

/** A new, prepared hub database on the cluster (one per property run), with the test people. */
export async function freshHubDatabase(cluster: Cluster): Promise<{ url: (login: string) => string; name: string }> {
  const name = `hub_${process.pid}_${++made}`;
  const su = new pg.Client({ connectionString: cluster.url() });
  await su.connect();
  await su.query(`CREATE DATABASE ${name}`);
  await su.end();
  await prepareWithPeople(cluster.url().replace(/\/postgres$/, `/${name}`));
  return { name, url: (login) => `postgres://${login}@127.0.0.1:${cluster.port}/${name}` };
}
