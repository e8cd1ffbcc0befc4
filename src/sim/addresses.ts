/**
 * The addresses a tenant's servers hold, kept in memory beside the servers table, so placing a
 * shadow or test server costs the same with ten servers in the tenant or ten thousand. (Placement
 * used to read every server's address and walk the subnet from its first address: setting up N
 * pairs was quadratic; docs/performance.md.) Loaded from the table on a tenant's first placement;
 * kept by the writers of a server's address (createServer, a job deleting a test server); dropped
 * with the engine's other caches on a rollback, an import or a reset (ctx.reloadCaches).
 */
import type { Engine } from './engine.js';
import { allocateIp, ipToInt } from './regions.js';
import type { ServerNetwork } from './types.js';

export interface AddressBook {
  /** How many servers hold each private address, by subnet. */
  private: Map<string, Map<string, number>>;
  /** How many servers hold each floating address. */
  floating: Map<string, number>;
  /**
   * Where the next search of a range starts: every address of the range from its first usable
   * one up to this one is in use. Keyed by `cidr subnet` (private) or `cidr` (floating); any
   * address given back clears them all.
   */
  searchFrom: Map<string, number>;
}

const NONE: ReadonlyMap<string, number> = new Map();

function bookOf(e: Engine, tenant: string): AddressBook {
  let book = e.ctx.addresses.get(tenant);
  if (!book) {
    book = { private: new Map(), floating: new Map(), searchFrom: new Map() };
    for (const row of e.st.networksOfTenant.all(tenant)) count(book, row.subnet, row.ip, row.floating, 1);
    e.ctx.addresses.set(tenant, book);
  }
  return book;
}

function count(book: AddressBook, subnet: unknown, ip: unknown, floating: unknown, by: 1 | -1): void {
  if (ip) {
    let inSubnet = book.private.get(`${subnet}`);
    if (!inSubnet) {
      inSubnet = new Map();
      book.private.set(`${subnet}`, inSubnet);
    }
    bump(inSubnet, `${ip}`, by);
  }
  if (floating) bump(book.floating, `${floating}`, by);
  if (by < 0) book.searchFrom.clear();
}

function bump(holders: Map<string, number>, key: string, by: 1 | -1): void {
  const next = (holders.get(key) ?? 0) + by;
  if (next > 0) holders.set(key, next);
  else holders.delete(key);
}

export const privateIpInUse = (e: Engine, tenant: string, subnetId: string, ip: string): boolean =>
  bookOf(e, tenant).private.get(subnetId)?.has(ip) ?? false;

export const floatingIpInUse = (e: Engine, tenant: string, ip: string): boolean =>
  bookOf(e, tenant).floating.has(ip);

/** The subnet's first free address (regions.ts `allocateIp`), or null when it is full. */
export function allocatePrivateIp(e: Engine, tenant: string, subnetId: string, cidr: string): string | null {
  const book = bookOf(e, tenant);
  return allocate(book, `${cidr} ${subnetId}`, cidr, book.private.get(subnetId) ?? NONE);
}

export function allocateFloatingIp(e: Engine, tenant: string, cidr: string): string | null {
  const book = bookOf(e, tenant);
  return allocate(book, cidr, cidr, book.floating);
}

function allocate(book: AddressBook, key: string, cidr: string, used: ReadonlyMap<string, number>) {
  const ip = allocateIp(cidr, used, book.searchFrom.get(key));
  if (ip !== null) book.searchFrom.set(key, ipToInt(ip));
  return ip;
}

/** After a server with this network was written (`by` 1) or deleted (`by` -1). */
export function serverAddressesChanged(
  e: Engine,
  tenant: string,
  network: ServerNetwork | null,
  by: 1 | -1,
): void {
  const book = e.ctx.addresses.get(tenant);
  // Not loaded yet: the first placement reads the table, which has the change.
  if (book && network) count(book, network.subnetId, network.privateIp, network.floatingIp, by);
}
