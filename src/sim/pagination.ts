/** Cursor pagination: an opaque cursor naming the last item's position. */
import { DrError } from './errors.js';
import type { Page, PageRequest } from './types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function pageParams(page: PageRequest = {}): { limit: number; after: number } {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new DrError('VALIDATION_FAILED', `limit: expected an integer from 1 to ${MAX_LIMIT}.`, {
      errors: [{ path: 'limit', expected: `an integer from 1 to ${MAX_LIMIT}` }],
    });
  }
  if (page.cursor === undefined || page.cursor === null || page.cursor === '') return { limit, after: 0 };
  const after =
    typeof page.cursor === 'string'
      ? Number(Buffer.from(page.cursor, 'base64url').toString('utf8'))
      : Number.NaN;
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new DrError(
      'VALIDATION_FAILED',
      'cursor: expected a nextCursor value returned by a previous page.',
      {
        errors: [{ path: 'cursor', expected: 'a nextCursor from a previous page' }],
      },
    );
  }
  return { limit, after };
}

const encode = (position: number): string => Buffer.from(String(position), 'utf8').toString('base64url');

/** Pages rows fetched with `limit + 1` so that a next page is known without a count. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => number,
  view: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encode(position(last)) : null,
  };
}

/**
 * Pages a list by a unique key (keyset pagination): the cursor names the last key given, and
 * the next page starts after it, so items added or removed between two requests never make a
 * page repeat or skip another item. `order: 'desc'` walks the keys from the largest.
 */
export function keysetPage<T>(
  all: readonly T[],
  keyOf: (item: T) => string | number,
  page: PageRequest = {},
  order: 'asc' | 'desc' = 'asc',
): Page<T> {
  const limit = pageParams({ limit: page.limit }).limit;
  const after =
    page.cursor === undefined || page.cursor === null || page.cursor === ''
      ? undefined
      : decodeKey(page.cursor);
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: string | number, b: string | number) => sign * (a < b ? -1 : a > b ? 1 : 0);
  const keyed = all.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compare(a.key, b.key));
  const rest =
    after === undefined
      ? keyed
      : keyed.filter(({ key }) => typeof key === typeof after && compare(key, after) > 0);
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ item }) => item),
    nextCursor:
      rest.length > limit && last
        ? Buffer.from(JSON.stringify({ k: last.key }), 'utf8').toString('base64url')
        : null,
  };
}

function decodeKey(cursor: unknown): string | number {
  let key: unknown;
  try {
    key =
      typeof cursor === 'string'
        ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown }).k
        : undefined;
  } catch {
    key = undefined;
  }
  if (typeof key !== 'string' && typeof key !== 'number') {
    throw new DrError(
      'VALIDATION_FAILED',
      'cursor: expected a nextCursor value returned by a previous page.',
      {
        errors: [{ path: 'cursor', expected: 'a nextCursor from a previous page' }],
      },
    );
  }
  return key;
}
