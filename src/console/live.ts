/**
 * `GET /console/live`: the page's stream of changes (server-sent events). It watches the
 * visitor's tenant only — the control API's events of that tenant and the simulated time —
 * and tells the page which DR pairs changed, so the page fetches and morphs just those.
 * It reads through the API in process like every console page; nothing here touches the
 * simulator.
 *
 * Messages: `change` `{ seq, now, pairs, all }` when the tenant's events moved on or the
 * simulated time changed (`all`: more happened than one message lists, refresh everything);
 * `ping` `{ now }` at least every PING_MS so the page can tell a quiet stream from a dead one.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SimEvent } from '../sim/types.js';
import { ApiFailure, type ApiHost, ConsoleApi, enc } from './api.js';
import { credentialsOf } from './session.js';

/** How often the stream looks for news: one in-process read of the tenant's events. */
const TICK_MS = 500;
/** The longest silence; the page calls the stream dead after a few of these. */
export const PING_MS = 2000;
/** One message names at most this many pairs; beyond it, `all`. */
const MAX_PAIRS = 50;
const EVENT_PAGE = 500;

interface Change {
  seq: number;
  now: string | null;
  pairs: string[];
  all: boolean;
}

export function liveStream(host: ApiHost) {
  return (c: Context) => {
    const api = new ConsoleApi(host, credentialsOf(c));
    const tenant = api.credentials.tenant;
    const after = Number.parseInt(c.req.query('after') ?? '', 10);
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      let seq: number | null =
        Number.isFinite(after) && after >= 0 ? after : await latestEventSeq(api, tenant).catch(() => null);
      let now: string | null = null;
      let lastWrite = 0;
      const send = async (event: string, data: unknown) => {
        await stream.writeSSE({ event, data: JSON.stringify(data), retry: 1000 });
        lastWrite = Date.now();
      };
      await send('ping', { now: null });
      while (open) {
        const change = await poll(api, tenant, seq).catch((err: unknown) => {
          if (err instanceof ApiFailure) return null;
          throw err;
        });
        if (change === null) {
          // The control API refused (an admin token is needed): the page can only refresh blindly.
          if (Date.now() - lastWrite >= PING_MS) await send('change', { seq, now, pairs: [], all: true });
        } else {
          const moved = seq !== null && change.seq !== seq;
          const ticked = now !== null && change.now !== now;
          const first = seq === null;
          seq = change.seq;
          now = change.now;
          if (!first && (moved || ticked)) await send('change', change);
          else if (Date.now() - lastWrite >= PING_MS) await send('ping', { now, seq });
        }
        await stream.sleep(TICK_MS);
      }
    });
  };
}

/** The tenant's events after `seq`: which pairs they touched, and the newest sequence number. */
async function poll(api: ConsoleApi, tenant: string, seq: number | null): Promise<Change> {
  const pairs = new Set<string>();
  let all = false;
  let cursor = seq ?? 0;
  for (let page = 0; ; page++) {
    const query = `tenant=${enc(tenant)}&afterSeq=${cursor}&limit=${EVENT_PAGE}`;
    const { items } = await api.control<{ items: SimEvent[] }>(`/_sim/events?${query}`);
    for (const event of items) {
      if (event.pairId) pairs.add(event.pairId);
      else if (event.kind !== 'clock.advanced') all = true;
    }
    const last = items[items.length - 1];
    if (last) cursor = last.seq;
    if (items.length < EVENT_PAGE || page >= 20) break;
  }
  if (seq === null) return { seq: cursor, now: api.now, pairs: [], all: false };
  return {
    seq: cursor,
    now: api.now,
    pairs: pairs.size > MAX_PAIRS ? [] : [...pairs],
    all: all || pairs.size > MAX_PAIRS,
  };
}

/**
 * The newest event's sequence number of the tenant, found with `afterSeq` probes (the event
 * list runs oldest first): gallop up from `hint`, then bisect. A handful of in-process reads
 * instead of paging through the whole history.
 */
export async function latestEventSeq(api: ConsoleApi, tenant: string, hint = 0): Promise<number> {
  const next = async (after: number): Promise<number | null> => {
    const page = await api.control<{ items: SimEvent[] }>(
      `/_sim/events?tenant=${enc(tenant)}&afterSeq=${after}&limit=1`,
    );
    return page.items[0]?.seq ?? null;
  };
  let low: number;
  let high: number;
  const first = await next(hint);
  if (first === null) {
    // Nothing newer than the hint; the state may also have been reset or restored below it.
    low = 0;
    high = hint;
  } else {
    low = first;
    let step = 64;
    for (;;) {
      const found = await next(low + step);
      if (found === null) {
        high = low + step;
        break;
      }
      low = found;
      step *= 2;
    }
  }
  // The newest sequence number lies in [low, high] and nothing is newer than `high`.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const found = await next(middle);
    if (found === null) high = middle;
    else low = found;
  }
  return low;
}
