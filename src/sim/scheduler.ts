/**
 * Moving the virtual clock. Work fires in time order: scheduled job steps (by time, then by
 * the order they were scheduled) and the 15-minute replication ticks; at the same instant a
 * scheduled step goes before the tick. Each firing is its own transaction, so a crash between
 * two leaves a consistent state that resumes from the next one.
 */
import type { AdvanceResult } from './contract.js';
import type { Engine } from './engine.js';
import { onScheduledStep } from './jobs.js';
import { type ReplicationStatements, TICK_MS, tick, ticksMatter } from './replication.js';
import { iso } from './rows.js';

const TICKED = 'tickedUpToMs';

export function advanceTo(e: Engine, rs: ReplicationStatements, targetMs: number): AdvanceResult {
  const { ctx } = e;
  const fromMs = ctx.clock.nowMs();
  let fired = 0;
  if (!Number.isFinite(targetMs) || targetMs <= fromMs) return { from: iso(fromMs), to: iso(fromMs), fired };
  for (;;) {
    const now = ctx.clock.nowMs();
    const boundary = Math.floor(now / TICK_MS) * TICK_MS;
    const ticked = ctx.counters[TICKED] ?? boundary;
    const active = ticksMatter(rs);
    const tickAt = active ? ticked + TICK_MS : Number.POSITIVE_INFINITY;
    const next = e.st.nextScheduled.get(Math.min(targetMs, tickAt));
    if (next) {
      ctx.mutate(() => {
        ctx.clock.setNow(Math.max(next.at_ms, now));
        // While nothing replicates, ticks are not owed: the next one is the next boundary from here.
        if (!active) ctx.counters[TICKED] = Math.floor(ctx.clock.nowMs() / TICK_MS) * TICK_MS;
        e.st.deleteScheduled.run(next.seq);
        if (next.kind === 'job.step') onScheduledStep(e, JSON.parse(next.payload));
      });
    } else if (tickAt <= targetMs) {
      ctx.mutate(() => {
        ctx.clock.setNow(tickAt);
        tick(e, rs);
        ctx.counters[TICKED] = tickAt;
      });
    } else {
      break;
    }
    fired++;
  }
  ctx.mutate(() => {
    ctx.clock.setNow(targetMs);
    if (!ticksMatter(rs)) ctx.counters[TICKED] = Math.floor(targetMs / TICK_MS) * TICK_MS;
  });
  return { from: iso(fromMs), to: iso(targetMs), fired };
}
