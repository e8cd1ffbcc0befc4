/**
 * Every user journey through the lifecycle: depth-first over the statechart from a freshly
 * attached pair, each step a user action the chart allows or an outcome the simulator can
 * send, never visiting the same state twice on one journey (unless `revisits` allows retry
 * loops). A journey ends in a final state (Committed, Detached) or, with `to`, when it first
 * reaches that status.
 */
import type { DrPairStatus, UserAction } from '../machine/index.js';
import {
  actionEventIn,
  allowedIn,
  apply,
  describeState,
  distinctOutcomesIn,
  type FlowState,
  finalIn,
  initialState,
  type Outcome,
  outcomeEvent,
  stateKey,
  statusIn,
  testIn,
} from './lifecycle.js';

export interface JourneyStep {
  /** A user action or an outcome word. */
  move: UserAction | Outcome;
  kind: 'action' | 'outcome';
  /** The state after the move, in words. */
  state: string;
}

export interface Journey {
  steps: JourneyStep[];
  end: DrPairStatus;
}

export interface PathOptions {
  /** Stop journeys at this status instead of at a final state. */
  to?: DrPairStatus;
  /** The most steps (actions and outcomes) in a journey. Default 8. */
  maxDepth?: number;
  /** How many times a journey may come back to a state it was in (a retry loop). Default 0. */
  revisits?: number;
  /** Stop after this many journeys (a guard for large depths). Default 10 000. */
  limit?: number;
}

export function journeys(options: PathOptions = {}): { journeys: Journey[]; truncated: boolean } {
  const maxDepth = options.maxDepth ?? 8;
  const limit = options.limit ?? 10_000;
  const found: Journey[] = [];
  const visits = new Map<string, number>();
  const maxVisits = (options.revisits ?? 0) + 1;
  let truncated = false;

  const visit = (state: FlowState, path: JourneyStep[]): void => {
    if (found.length >= limit) {
      truncated = true;
      return;
    }
    const status = statusIn(state);
    if (options.to ? status === options.to : finalIn(state)) {
      if (path.length > 0) found.push({ steps: path, end: status });
      return;
    }
    if (path.length >= maxDepth || finalIn(state)) return;
    const moves: { move: UserAction | Outcome; kind: JourneyStep['kind']; next: FlowState }[] = [
      ...allowedIn(state).map((action) => ({
        move: action,
        kind: 'action' as const,
        next: apply(state, actionEventIn(state, action)),
      })),
      ...distinctOutcomesIn(state).map((outcome) => ({
        move: outcome,
        kind: 'outcome' as const,
        next: apply(state, outcomeEvent(state, outcome) as NonNullable<ReturnType<typeof outcomeEvent>>),
      })),
    ];
    for (const { move, kind, next } of moves) {
      const key = stateKey(next);
      const count = visits.get(key) ?? 0;
      if (count >= maxVisits) continue;
      visits.set(key, count + 1);
      visit(next, [...path, { move, kind, state: describeState(statusIn(next), testIn(next)) }]);
      visits.set(key, count);
    }
  };

  const start = initialState();
  visits.set(stateKey(start), 1);
  visit(start, []);
  return { journeys: found, truncated };
}

/** The journeys as a Markdown checklist, grouped by where they end, shortest first. */
export function journeysMarkdown(result: ReturnType<typeof journeys>, options: PathOptions = {}): string {
  const groups = new Map<DrPairStatus, Journey[]>();
  for (const journey of result.journeys)
    groups.set(journey.end, [...(groups.get(journey.end) ?? []), journey]);
  const target = options.to ? `reaching ${describeState(options.to)}` : 'ending in a final state';
  const repeats = options.revisits
    ? `in the same state at most ${options.revisits + 1} times`
    : 'never in the same state twice';
  const lines = [
    '# User journeys through the DR pair lifecycle',
    '',
    `Every journey from a freshly attached pair ${target}, in at most ${options.maxDepth ?? 8} steps (user`,
    `actions and the outcomes the service reports), ${repeats}. Generated from the`,
    'statechart by `drsim paths`; tick each journey a design or a test covers.',
    '',
    `${result.journeys.length} journeys${result.truncated ? ' (truncated: lower --max-depth or narrow with --to)' : ''}.`,
  ];
  let n = 0;
  for (const [end, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `## To ${describeState(end)}: ${list.length}`, '');
    const sorted = [...list].sort(
      (a, b) => a.steps.length - b.steps.length || render(a).localeCompare(render(b)),
    );
    for (const journey of sorted) lines.push(`- [ ] ${++n}. ${render(journey)}`);
  }
  return `${lines.join('\n')}\n`;
}

function render(journey: Journey): string {
  return journey.steps
    .map((s) => `${s.kind === 'action' ? `**${s.move}**` : `_${s.move}_`} → ${s.state}`)
    .join(' · ');
}
