/**
 * The list of protected servers as a query: search, status filter, sort and page, read from
 * the URL and applied on the server, so the browser gets one page of rows however many pairs
 * the tenant has.
 */
import { type DrPairStatus, STATUS_LABELS } from '../../machine/index.js';
import type { DrPair } from '../../sim/types.js';

export const SORTS = ['id', 'name', 'status', 'lastPoint', 'rpo'] as const;
export type Sort = (typeof SORTS)[number];
const SIZES = [25, 50, 100];

export interface ListQuery {
  q: string;
  status: DrPairStatus | '';
  sort: Sort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export interface PairsView {
  items: DrPair[];
  /** Pairs that match the search and the filter. */
  total: number;
  /** Pairs of the tenant. */
  all: number;
  page: number;
  pages: number;
  /** Pairs matching the search, by status, in the statechart's order. */
  byStatus: { status: DrPairStatus; label: string; count: number }[];
}

/** Bad values fall back to the defaults: a hand-edited URL shows the list, not an error. */
export function parseListQuery(params: Record<string, string | undefined>): ListQuery {
  const status = params.status && params.status in STATUS_LABELS ? (params.status as DrPairStatus) : '';
  const sort = SORTS.includes(params.sort as Sort) ? (params.sort as Sort) : 'id';
  const size = SIZES.includes(Number(params.size)) ? Number(params.size) : 50;
  const page = Math.max(1, Math.floor(Number(params.page)) || 1);
  return {
    q: (params.q ?? '').trim().slice(0, 200),
    status,
    sort,
    dir: params.dir === 'desc' ? 'desc' : 'asc',
    page,
    size,
  };
}

/** `?q=…&status=…`, leaving out what is the default. */
export function queryString(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  if (query.sort !== 'id') params.set('sort', query.sort);
  if (query.dir !== 'asc') params.set('dir', query.dir);
  if (query.size !== 50) params.set('size', String(query.size));
  if (query.page !== 1) params.set('page', String(query.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const STATUS_ORDER = Object.keys(STATUS_LABELS) as DrPairStatus[];

function matches(pair: DrPair, needle: string): boolean {
  if (!needle) return true;
  return [pair.id, pair.name, pair.mainServer.name, pair.mainServer.id, pair.shadowServer?.name ?? ''].some(
    (text) => text.toLowerCase().includes(needle),
  );
}

function compare(sort: Sort): (a: DrPair, b: DrPair) => number {
  const byId = (a: DrPair, b: DrPair) => a.id.localeCompare(b.id, 'en', { numeric: true });
  const nullsLast = (x: number | null, y: number | null) =>
    x === null ? (y === null ? 0 : 1) : y === null ? -1 : x - y;
  switch (sort) {
    case 'name':
      return (a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }) || byId(a, b);
    case 'status':
      return (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byId(a, b);
    case 'lastPoint':
      return (a, b) =>
        nullsLast(
          a.replication.lastRecoveryPointAt ? Date.parse(a.replication.lastRecoveryPointAt) : null,
          b.replication.lastRecoveryPointAt ? Date.parse(b.replication.lastRecoveryPointAt) : null,
        ) || byId(a, b);
    case 'rpo':
      return (a, b) => nullsLast(a.replication.rpoSeconds, b.replication.rpoSeconds) || byId(a, b);
    default:
      return byId;
  }
}

export function pageOfPairs(pairs: DrPair[], query: ListQuery): PairsView {
  const needle = query.q.toLowerCase();
  const found = pairs.filter((pair) => matches(pair, needle));
  const counts = new Map<DrPairStatus, number>();
  for (const pair of found) counts.set(pair.status, (counts.get(pair.status) ?? 0) + 1);
  const filtered = query.status ? found.filter((pair) => pair.status === query.status) : found;
  const sorted = filtered.sort(compare(query.sort));
  if (query.dir === 'desc') sorted.reverse();
  const pages = Math.max(1, Math.ceil(sorted.length / query.size));
  const page = Math.min(query.page, pages);
  return {
    items: sorted.slice((page - 1) * query.size, page * query.size),
    total: sorted.length,
    all: pairs.length,
    page,
    pages,
    byStatus: STATUS_ORDER.filter((status) => counts.has(status)).map((status) => ({
      status,
      label: STATUS_LABELS[status],
      count: counts.get(status) ?? 0,
    })),
  };
}
