/**
 * A run's fingerprint: a SHA-256 of everything the run made its world go through — its whole
 * event history (without the server-wide sequence numbers and the tenant's name, which say
 * where the run happened, not what happened) — and the world's final state as its API shows it:
 * clock, servers with their files, pairs, recovery points and jobs. Two runs with the same seed
 * have the same fingerprint; a different seed that changes anything changes it.
 */
import { createHash } from 'node:crypto';
import type { Page, PageRequest } from '../sim/types.js';
import type { World } from './world.js';

const PAGE = 500;

async function all<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ limit: PAGE, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** JSON with object keys sorted, so the hash does not depend on the order fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export async function fingerprint(world: World): Promise<string> {
  const { sim, tenant } = world;
  await world.syncEvents();
  const hash = createHash('sha256');
  hash.update(canonical({ now: (await sim.clock()).now }));
  for (const { seq: _seq, tenant: _tenant, ...event } of world.events) hash.update(canonical(event));
  for (const server of await all((page) => sim.listServers(tenant, page))) {
    hash.update(canonical(server));
    hash.update(canonical(await sim.listFiles(tenant, server.id)));
  }
  for (const pair of await all((page) => sim.listPairs(tenant, page))) {
    hash.update(canonical(pair));
    hash.update(canonical(await all((page) => sim.listRecoveryPoints(tenant, pair.id, page))));
    hash.update(canonical(await all((page) => sim.listJobs(tenant, pair.id, page))));
  }
  return `sha256:${hash.digest('hex')}`;
}
