/**
 * `POST /_sim/clock/advance` without freezing the server: the advance runs in slices (a few
 * scheduled items each, committed), and the event loop serves other requests between slices.
 * A slice's size adapts so that it takes about SLICE_TARGET_MS of wall time, however many pairs
 * a tick touches. Advances queue behind each other, so two never interleave. The answer comes
 * when the whole advance is done; the result is the same as one uninterrupted advance.
 *
 * A long advance (`?async=true`) runs as an advance job instead: the call answers 202 at once
 * with the job, whose progress (simulated time reached, percent) `GET /_sim/advances/{id}`
 * shows while it runs; `DELETE` stops it at its next slice. Jobs live in this process's memory:
 * the latest MAX_KEPT_JOBS are kept, and a restart forgets them (the clock keeps every slice
 * committed before it).
 */

import type { AdvanceResult, Simulator } from '../sim/contract.js';
import { parseDuration } from '../sim/index.js';
import { HttpProblem } from './problem.js';

/** Wall time one slice aims at: other requests wait at most about this long for an advance. */
export const SLICE_TARGET_MS = 50;
const MAX_SLICE_WORK = 10_000;
/** Finished advance jobs kept for reading, per server. */
export const MAX_KEPT_JOBS = 100;

export type AdvanceBody = { by: string | number } | { to: string };

export type AdvanceJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface AdvanceJob {
  id: string;
  tenant: string;
  status: AdvanceJobStatus;
  /** Simulated time when the job started (or now, while queued) and the time it advances to. */
  from: string;
  to: string;
  /** Simulated time reached so far. */
  reached: string;
  /** Share of the simulated span covered, 0 to 100 (whole percent, 100 only when done). */
  percent: number;
  /** Scheduled items fired so far. */
  fired: number;
  /** Wall-clock times (ISO 8601): accepted, and ended. */
  createdAt: string;
  endedAt: string | null;
  /** Why it FAILED: the problem a synchronous advance would have answered. */
  error: { status: number; code: string; detail: string } | null;
}

interface Progress {
  onStart?: (from: string) => void;
  onSlice?: (reached: string, fired: number) => void;
  cancelled?: () => boolean;
}

/** One queue per world: a world's advances never interleave; different worlds' may. */
export function createAdvancer(signal?: AbortSignal) {
  const queues = new WeakMap<Simulator, Promise<unknown>>();
  const enqueue = (sim: Simulator, body: AdvanceBody, progress: Progress = {}): Promise<AdvanceResult> => {
    const run = (queues.get(sim) ?? Promise.resolve()).then(() =>
      advanceInSlices(sim, body, signal, progress),
    );
    queues.set(
      sim,
      run.catch(() => undefined),
    );
    return run;
  };

  const jobs = new Map<string, AdvanceJob & { cancel: boolean }>();
  let seq = 0;
  const view = ({ cancel: _cancel, ...job }: AdvanceJob & { cancel: boolean }): AdvanceJob => ({ ...job });
  const forgetOld = () => {
    const finished = [...jobs.values()].filter((job) => job.endedAt !== null);
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_KEPT_JOBS))) jobs.delete(job.id);
  };

  return {
    /** Runs an advance to the end (the synchronous answer). */
    advance: (sim: Simulator, body: AdvanceBody) => enqueue(sim, body),
    /** Starts an advance job; the returned view is its state at once (QUEUED or RUNNING). */
    start(sim: Simulator, tenant: string, body: AdvanceBody): AdvanceJob {
      const now = sim.clock().now;
      const target = targetOf(now, body);
      seq++;
      const job = {
        id: `adv-${seq}`,
        tenant,
        status: 'QUEUED' as AdvanceJobStatus,
        from: now,
        to: target,
        reached: now,
        percent: 0,
        fired: 0,
        createdAt: new Date().toISOString(),
        endedAt: null as string | null,
        error: null as AdvanceJob['error'],
        cancel: false,
      };
      jobs.set(job.id, job);
      const started = enqueue(
        sim,
        { to: target },
        {
          onStart(from) {
            // Queued behind another advance, it begins where that one left the clock.
            Object.assign(job, { status: 'RUNNING', from, reached: from });
          },
          onSlice(reached, fired) {
            const span = Date.parse(target) - Date.parse(job.from);
            const covered = Date.parse(reached) - Date.parse(job.from);
            job.reached = reached;
            job.fired = fired;
            job.percent = span <= 0 ? 99 : Math.min(99, Math.floor((covered / span) * 100));
          },
          cancelled: () => job.cancel,
        },
      );
      started.then(
        (result) => {
          Object.assign(job, {
            status: job.cancel && result.to !== target ? 'CANCELLED' : 'SUCCEEDED',
            reached: result.to,
            fired: result.fired,
            percent: result.to === target ? 100 : job.percent,
            endedAt: new Date().toISOString(),
          });
          forgetOld();
        },
        (error: unknown) => {
          const problem =
            error instanceof HttpProblem
              ? { status: error.status, code: error.code, detail: error.message }
              : {
                  status: (error as { status?: number }).status ?? 500,
                  code: String((error as { code?: unknown }).code ?? 'INTERNAL'),
                  detail: error instanceof Error ? error.message : String(error),
                };
          Object.assign(job, {
            status: 'FAILED',
            reached: safeNow(sim) ?? job.reached,
            endedAt: new Date().toISOString(),
            error: problem,
          });
          forgetOld();
        },
      );
      return view(job);
    },
    /** The job, or undefined (unknown, forgotten, or another tenant's when `tenant` is given). */
    get(id: string, tenant?: string): AdvanceJob | undefined {
      const job = jobs.get(id);
      return job && (tenant === undefined || job.tenant === tenant) ? view(job) : undefined;
    },
    /** Asks a queued or running job to stop at its next slice; the view as it is now. */
    cancel(id: string, tenant?: string): AdvanceJob | undefined {
      const job = jobs.get(id);
      if (!job || (tenant !== undefined && job.tenant !== tenant)) return undefined;
      if (job.endedAt === null) job.cancel = true;
      return view(job);
    },
  };
}

export type Advancer = ReturnType<typeof createAdvancer>;

function safeNow(sim: Simulator): string | undefined {
  try {
    return sim.clock().now;
  } catch {
    return undefined;
  }
}

/** The instant an advance body names, from `now`. */
export function targetOf(now: string, body: AdvanceBody): string {
  return 'by' in body
    ? new Date(Date.parse(now) + parseDuration(body.by)).toISOString()
    : new Date(Date.parse(body.to)).toISOString();
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

async function advanceInSlices(
  sim: Simulator,
  body: AdvanceBody,
  signal: AbortSignal | undefined,
  progress: Progress,
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
  progress.onStart?.(from);
  for (;;) {
    if (signal?.aborted) {
      throw new HttpProblem(
        503,
        'SHUTTING_DOWN',
        `The server is shutting down; the clock stopped at ${sim.clock().now}.`,
      );
    }
    if (progress.cancelled?.()) return { from, to: sim.clock().now, fired };
    const started = performance.now();
    const slice = sim.advanceSlice(target, work);
    fired += slice.fired;
    if (slice.done) return { from, to: sim.clock().now, fired };
    progress.onSlice?.(sim.clock().now, fired);
    const tookMs = performance.now() - started;
    if (tookMs < SLICE_TARGET_MS / 2) work = Math.min(MAX_SLICE_WORK, work * 2);
    else if (tookMs > SLICE_TARGET_MS * 2) work = Math.max(1, Math.floor(work / 2));
    await yieldToOthers();
  }
}
