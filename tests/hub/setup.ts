import pg from 'pg';
import { addPerson, prepareHub } from '../../src/core/hub/schema';
import type { HubRole } from '../../src/core/hub/roles';
import { startCluster, type Cluster } from './cluster';

/** A prepared hub on a throwaway cluster, with one person of each role (password = login + '-pw'). */
export interface TestHub {
  cluster: Cluster;
  /** The URL a person signs in with (no password in it). */
  url: (login: string) => string;
  /** A client as someone (the superuser by default), for checks straight against PostgreSQL. */
  as: (login?: string) => Promise<pg.Client>;
  stop: () => void;
}

export const PEOPLE: Record<string, { role: HubRole; name: string }> = {
  director: { role: 'admin', name: '王主任' },
  zhang: { role: 'staff', name: '张伟' },
  li: { role: 'staff', name: '李娜' },
  official: { role: 'viewer', name: '市局刘' },
};
export const passwordOf = (login: string) => `${login}-pw`;

/** Prepares the hub in the database `url` names and adds the test people (as the superuser). */
export async function prepareWithPeople(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await prepareHub(admin);
    for (const [login, p] of Object.entries(PEOPLE)) await addPerson(admin, login, p.role, passwordOf(login), p.name);
  } finally {
    await admin.end();
  }
}

export async function startHub(): Promise<TestHub> {
  const cluster = await startCluster();
  await prepareWithPeople(cluster.url());
  return {
    cluster,
    url: (login) => cluster.url(login, '').replace(/:@/, '@'),
    as: async (login) => {
      const c = new pg.Client({ connectionString: login ? cluster.url(login, passwordOf(login)) : cluster.url() });
      await c.connect();
      return c;
    },
    stop: () => cluster.stop(),
  };
}
