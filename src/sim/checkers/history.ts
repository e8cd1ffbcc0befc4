/**
 * Shared reading of the stored history for the checkers: events grouped by pair in seq order
 * (one pass, so a check stays linear in the number of events), typed views of the event data
 * fields documented above `SimEvent`, and the job groups the invariants talk about. Nothing here
 * is cached between calls: a checker's input may be a tampered copy, and stale indexes would
 * hide exactly what the tamper tests look for.
 */
import type { SimState, StoredJob } from '../contract.js';
import type { SimEvent } from '../types.js';

/** A pair is ATTACHED before its first transition (the statechart's initial state). */
export const INITIAL_STATUS = 'ATTACHED';

/** The pair's own operations: at most one runs at a time (I5). */
export const OWN_OPERATIONS: ReadonlySet<string> = new Set([
  'startReplication',
  'restartReplication',
  'failover',
  'changeRecoveryPoint',
  'commitFailover',
]);
/** The test environment's operations: at most one runs at a time, beside the pair's own (I5). */
export const TEST_OPERATIONS: ReadonlySet<string> = new Set([
  'testFailover',
  'changeTestRecoveryPoint',
  'cleanTestEnvironment',
]);
/** Jobs that restore a server to the recovery point named in their request. */
export const RESTORE_JOBS: ReadonlySet<string> = new Set([
  'failover',
  'changeRecoveryPoint',
  'testFailover',
  'changeTestRecoveryPoint',
]);
/** Deletion reasons that retention alone may give, at any time. */
export const RETENTION_REASONS: ReadonlySet<string> = new Set([
  'interval',
  'daily',
  'weekly',
  'age',
  'count',
]);

export const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
export const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** "2026-01-05T02:00:00.000Z (event #46)": where a violation happened, findable in the history. */
export const where = (event: SimEvent): string => `${event.at} (event #${event.seq})`;

/** Events in seq order; export already sorts them, so the sort runs only on a hand-built state. */
export function inSeqOrder(events: readonly SimEvent[]): readonly SimEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.seq < events[i - 1]!.seq) return [...events].sort((a, b) => a.seq - b.seq);
  }
  return events;
}

/** Each pair's events in seq order (events without a pair are left out). */
export function eventsByPair(state: SimState): Map<string, SimEvent[]> {
  const byPair = new Map<string, SimEvent[]>();
  for (const event of inSeqOrder(state.events)) {
    if (event.pairId === null) continue;
    let list = byPair.get(event.pairId);
    if (!list) {
      list = [];
      byPair.set(event.pairId, list);
    }
    list.push(event);
  }
  return byPair;
}

export interface Transition {
  event: string | null;
  from: string | null;
  to: string | null;
  activeRecoveryPointId: string | null;
  jobId: string | null;
}

export function transitionOf(event: SimEvent): Transition {
  const d = event.data;
  return {
    event: str(d.event),
    from: str(d.from),
    to: str(d.to),
    activeRecoveryPointId: str(d.activeRecoveryPointId),
    jobId: str(d.jobId),
  };
}

/** A transition that changes the status; the others only move the test-failover region. */
export const changesStatus = (t: Transition): boolean => t.from !== t.to;

/**
 * Visits a pair's events with the status the pair had just before each one, replayed from its
 * transitions (initially ATTACHED).
 */
export function replay(
  events: readonly SimEvent[],
  visit: (event: SimEvent, statusBefore: string) => void,
): string {
  let status = INITIAL_STATUS;
  for (const event of events) {
    visit(event, status);
    if (event.kind === 'pair.transition') status = transitionOf(event).to ?? status;
  }
  return status;
}

export const jobIdOf = (event: SimEvent): string | null => str(event.data.jobId);

/** The job.created event of each job, by job id. */
export function jobCreatedEvents(state: SimState): Map<string, SimEvent> {
  const created = new Map<string, SimEvent>();
  for (const event of state.events) {
    if (event.kind !== 'job.created') continue;
    const id = jobIdOf(event);
    if (id !== null) created.set(id, event);
  }
  return created;
}

/** The job.ended event of each job, by job id. */
export function jobEndedEvents(state: SimState): Map<string, SimEvent> {
  const ended = new Map<string, SimEvent>();
  for (const event of state.events) {
    if (event.kind !== 'job.ended') continue;
    const id = jobIdOf(event);
    if (id !== null) ended.set(id, event);
  }
  return ended;
}

export const describeJob = (job: Pick<StoredJob, 'id' | 'type' | 'pairId' | 'createdAt'>): string =>
  `${job.type} job ${job.id} of pair ${job.pairId} (created ${job.createdAt})`;
