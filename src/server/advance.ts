/**
 * `POST /_sim/clock/advance` without freezing the server: the advance runs in slices (a few
 * scheduled items each, committed), and the event loop serves other requests between slices.
 * A slice's size adapts so that it takes about SLICE_TARGET_MS of wall time, however many pairs
 * a tick touches. Advances queue behind each other, so two never interleave. The answer comes
 * when the whole advance is done; the result is the same as one uninterrupted advance.
 */

import type { AdvanceResult, Simulator } from '../sim/contract.js';
import { parseDuration } from '../sim/index.js';
import { HttpProblem } from './problem.js';

/** Wall time one slice aims at: other requests wait at most about this long for an advance. */
export const SLICE_TARGET_MS = 50;
const MAX_SLICE_WORK = 10_000;

export type AdvanceBody = { by: string | number } | { to: string };

/** One queue per world: a world's advances never interleave; different worlds' may. */
export function createAdvancer(signal?: AbortSignal) {
  const queues = new WeakMap<Simulator, Promise<unknown>>();
  return (sim: Simulator, body: AdvanceBody): Promise<AdvanceResult> => {
    const run = (queues.get(sim) ?? Promise.resolve()).then(() => advanceInSlices(sim, body, signal));
    queues.set(
      sim,
      run.catch(() => undefined),
    );
    return run;
  };
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

async function advanceInSlices(
  sim: Simulator,
  body: AdvanceBody,
  signal?: AbortSignal,
): Promise<AdvanceResult> {
  const from = sim.clock().now;
  const targetMs = 'by' in body ? Date.parse(from) + parseDuration(body.by) : Date.parse(body.to);
  if ('to' in body && targetMs < Date.parse(from)) {
    // The engine's own refusal, so the answer is the same as `sim.advanceTo`'s.
    sim.advanceTo(body.to);
  }
  const target = new Date(targetMs).toISOString();
  let work = 16;
  let fired = 0;
  for (;;) {
    if (signal?.aborted) {
      throw new HttpProblem(
        503,
        'SHUTTING_DOWN',
        `The server is shutting down; the clock stopped at ${sim.clock().now}.`,
      );
    }
    const started = performance.now();
    const slice = sim.advanceSlice(target, work);
    fired += slice.fired;
    if (slice.done) return { from, to: sim.clock().now, fired };
    const tookMs = performance.now() - started;
    if (tookMs < SLICE_TARGET_MS / 2) work = Math.min(MAX_SLICE_WORK, work * 2);
    else if (tookMs > SLICE_TARGET_MS * 2) work = Math.max(1, Math.floor(work / 2));
    await yieldToOthers();
  }
}
