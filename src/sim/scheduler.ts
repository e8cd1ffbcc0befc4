/**
 * Moving the virtual clock. Work fires in time order: scheduled job steps (by time, then by
 * the order they were scheduled) and the 15-minute replication ticks; at the same instant a
 * scheduled step goes before the tick.
 *
 * An advance commits in chunks of at most one simulated day, each ending at a UTC day's start
 * (where the history is pruned, history-retention.ts): a chunk is atomic, so a crash
 * mid-advance rolls back to the last chunk boundary and nothing half-done is ever stored. The
 * advance is acknowledged only when it returns. Chunking keeps long runs fast (a tick touches
 * every replicating pair's rows, and one commit per tick would flush them 96 times a day).
 */
import type { AdvanceResult } from './contract.js';
import type { Engine } from './engine.js';
import { pruneHistory } from './history-retention.js';
import { onScheduledStep } from './jobs.js';
import { type ReplicationStatements, TICK_MS, tick, ticksMatter } from './replication.js';
import { iso } from './rows.js';

const TICKED = 'tickedUpToMs';
const CHUNK_MS = 24 * 60 * 60 * 1000;
/** The UTC day (days since the epoch) whose start the history was last pruned at. */
const PRUNED_DAY = 'historyPrunedDay';

/**
 * Advances to `targetMs`, or stops early once `maxWork` scheduled items have fired (at a
 * committed chunk boundary, the clock at the last item fired): `done` says which. The server
 * advances in such slices and serves other requests between them.
 */
export function advanceTo(
  e: Engine,
  rs: ReplicationStatements,
  targetMs: number,
  maxWork = Number.POSITIVE_INFINITY,
): AdvanceResult & { done: boolean } {
  const { ctx } = e;
  const fromMs = ctx.clock.nowMs();
  let fired = 0;
  // A slice that stopped before work due at the target itself leaves that work to the next
  // slice, which has no time left to advance but must still fire it (and prune, at a day start).
  const leftAtTarget = targetMs === fromMs && Number.isFinite(maxWork) && hasDue(e, rs, fromMs);
  if (!Number.isFinite(targetMs) || (targetMs <= fromMs && !leftAtTarget))
    return { from: iso(fromMs), to: iso(fromMs), fired, done: true };
  let done = false;
  let sliced = false;
  while (!done && !sliced) {
    const firedBefore = fired;
    let pruned = false;
    // Nothing fired and nothing pruned: the clock (and the tick mark that follows it while
    // nothing replicates) is all the chunk moved.
    const clockOnly = () => fired === firedBefore && !pruned;
    ctx.mutate(() => {
      const chunkStart = ctx.clock.nowMs();
      const day = Math.floor(chunkStart / CHUNK_MS);
      const prunedDay = ctx.counters[PRUNED_DAY] ?? -1;
      // Chunks end at each UTC day's start, where the history is pruned once everything due at
      // that instant has fired: the same moment however the advance is sliced or split.
      const boundary = chunkStart === day * CHUNK_MS && prunedDay < day ? chunkStart : (day + 1) * CHUNK_MS;
      const chunkEnd = Math.min(targetMs, boundary);
      for (;;) {
        if (fired >= maxWork) {
          // A slice stops only before work still due in this chunk. With nothing more due, the
          // chunk ends here as it would in an advance that is not sliced, its day's pruning
          // included: a slice that stopped at the target's day start left that pruning undone
          // (the next call had no time left to advance), and the history grew past retention.
          if (hasDue(e, rs, chunkEnd)) {
            sliced = true;
            return;
          }
          break;
        }
        const step = fireNext(e, rs, chunkEnd);
        if (!step) break;
        fired++;
      }
      // History pruning reads the points (the file versions they need): deferred ones first.
      ctx.flushPoints();
      ctx.clock.setNow(chunkEnd);
      if (!ticksMatter(e, rs)) ctx.counters[TICKED] = Math.floor(chunkEnd / TICK_MS) * TICK_MS;
      done = chunkEnd >= targetMs;
      if (chunkEnd === boundary && prunedDay < chunkEnd / CHUNK_MS) {
        pruneHistory(e);
        ctx.counters[PRUNED_DAY] = chunkEnd / CHUNK_MS;
        pruned = true;
      }
    }, clockOnly);
  }
  return { from: iso(fromMs), to: ctx.clock.nowIso(), fired, done };
}

/**
 * No scheduled item is due before this: the earliest when it was read. Only a new item can be
 * earlier, and each takes a number from `counters.schedule`; firing one, an import or a
 * rollback (`ctx.reloads`) reads it again. So ticks between job steps read no schedule.
 */
const EARLIEST = new WeakMap<Engine['ctx'], { schedule: number; reloads: number; ms: number }>();
function earliestScheduledMs(e: Engine): number {
  const { ctx } = e;
  const schedule = ctx.counters.schedule ?? 0;
  const cached = EARLIEST.get(ctx);
  if (cached?.schedule === schedule && cached.reloads === ctx.reloads) return cached.ms;
  const ms = e.st.earliestScheduledMs.get() ?? Number.POSITIVE_INFINITY;
  EARLIEST.set(ctx, { schedule, reloads: ctx.reloads, ms });
  return ms;
}

/** Whether `fireNext` would fire anything up to `untilMs` (it changes nothing). */
function hasDue(e: Engine, rs: ReplicationStatements, untilMs: number): boolean {
  const { ctx } = e;
  const now = ctx.clock.nowMs();
  const ticked = ctx.counters[TICKED] ?? Math.floor(now / TICK_MS) * TICK_MS;
  const tickAt = ticksMatter(e, rs) ? ticked + TICK_MS : Number.POSITIVE_INFINITY;
  const until = Math.min(untilMs, tickAt);
  if (earliestScheduledMs(e) <= until && e.st.nextScheduled.get(until)) return true;
  return tickAt <= untilMs;
}

/** Fires the earliest due work up to `untilMs`; false when there is none. */
function fireNext(e: Engine, rs: ReplicationStatements, untilMs: number): boolean {
  const { ctx } = e;
  const now = ctx.clock.nowMs();
  const ticked = ctx.counters[TICKED] ?? Math.floor(now / TICK_MS) * TICK_MS;
  const active = ticksMatter(e, rs);
  const tickAt = active ? ticked + TICK_MS : Number.POSITIVE_INFINITY;
  const until = Math.min(untilMs, tickAt);
  const next = earliestScheduledMs(e) <= until ? e.st.nextScheduled.get(until) : undefined;
  if (next) {
    EARLIEST.delete(ctx);
    ctx.clock.setNow(Math.max(next.at_ms, now));
    // While nothing replicates, ticks are not owed: the next one is the next boundary from here.
    if (!active) ctx.counters[TICKED] = Math.floor(ctx.clock.nowMs() / TICK_MS) * TICK_MS;
    e.st.deleteScheduled.run(next.seq);
    // A job step may read recovery points: the ticks' deferred ones are written first.
    ctx.flushPoints();
    if (next.kind === 'job.step') onScheduledStep(e, JSON.parse(next.payload));
    return true;
  }
  if (tickAt <= untilMs) {
    ctx.clock.setNow(tickAt);
    tick(e, rs);
    ctx.counters[TICKED] = tickAt;
    return true;
  }
  return false;
}
