/**
 * Walking drsim's cursor pages (`{ items, nextCursor }`) without writing the loop each time.
 * Works with any client method that takes a `PageRequest` and returns a `Page`.
 */
import type { Page, PageRequest } from '../sim/types.js';

/** One page of something, given where to start; bind the other arguments in a closure. */
export type PageFetcher<T> = (page: PageRequest) => Promise<Page<T>>;

export interface PaginateOptions {
  /** Items per request. Default 100 (the server allows up to 500). */
  pageSize?: number;
  /** Stop after this many items. */
  max?: number;
}

/**
 * Every item, page after page, fetched as the loop asks for them.
 *
 * @example
 * for await (const pair of paginate((page) => client.pairs.list({ ...page, status: 'REPLICATING' }))) {
 *   console.log(pair.name);
 * }
 */
export async function* paginate<T>(
  fetchPage: PageFetcher<T>,
  options: PaginateOptions = {},
): AsyncGenerator<T> {
  const limit = options.pageSize ?? 100;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let cursor: string | null = null;
  let yielded = 0;
  do {
    const page: Page<T> = await fetchPage(cursor === null ? { limit } : { limit, cursor });
    for (const item of page.items) {
      if (yielded >= max) return;
      yielded++;
      yield item;
    }
    cursor = page.nextCursor;
  } while (cursor !== null && yielded < max);
}

/**
 * Every item of every page, as one array.
 *
 * @example
 * const points = await listAll((page) => client.pairs.recoveryPoints(pairId, page));
 */
export async function listAll<T>(fetchPage: PageFetcher<T>, options: PaginateOptions = {}): Promise<T[]> {
  const items: T[] = [];
  for await (const item of paginate(fetchPage, options)) items.push(item);
  return items;
}
