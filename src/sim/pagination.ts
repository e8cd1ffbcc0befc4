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

/** Pages an in-memory list by offset. */
export function pageOf<T>(all: T[], page: PageRequest = {}): Page<T> {
  const { limit, after } = pageParams(page);
  const items = all.slice(after, after + limit);
  return { items, nextCursor: after + limit < all.length ? encode(after + limit) : null };
}
