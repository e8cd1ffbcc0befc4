/**
 * The statechart as the flow tools walk it (pure: `transition` from xstate, no actor, no
 * clock): a pair's state plus the one fact the chart's guards need from the world — whether a
 * recovery point is available — the user actions and the outcome events the simulator sends,
 * named the way a product person would (`succeeds`, `fails`, `replication fails`).
 */
import { initialTransition, transition } from 'xstate';
import {
  actionEvent,
  allowedActions,
  type DrPairEvent,
  type DrPairSnapshot,
  type DrPairStatus,
  drPairMachine,
  isBusy,
  isFinal,
  isTestBusy,
  STATUS_LABELS,
  statusOf,
  TEST_STATE_LABELS,
  type TestFailoverState,
  testStateOf,
  type UserAction,
} from '../machine/index.js';

export interface FlowState {
  snapshot: DrPairSnapshot;
  /** The pair has a recovery point a failover or a test could use. */
  points: boolean;
}

export const OUTCOMES = [
  'succeeds',
  'fails',
  'test succeeds',
  'test fails',
  'replication fails',
  'replication recovers',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

const ERROR = { code: 'FLOW', message: 'an outcome in a flow' };

export function initialState(): FlowState {
  return { snapshot: initialTransition(drPairMachine)[0], points: false };
}

/** The event an outcome word means in this state, or null when nothing can have that outcome. */
export function outcomeEvent(state: FlowState, outcome: Outcome): DrPairEvent | null {
  const { snapshot } = state;
  const status = statusOf(snapshot);
  const candidates: DrPairEvent[] = [];
  const ok = outcome === 'succeeds' || outcome === 'test succeeds';
  // During the first copy a failure is that job's outcome (`fails`), not a replication failure.
  if (outcome === 'replication fails') {
    if (status !== 'STARTING_REPLICATION') candidates.push({ type: 'REPLICATION_FAILED', error: ERROR });
  } else if (outcome === 'replication recovers') candidates.push({ type: 'REPLICATION_RECOVERED' });
  else if (outcome.startsWith('test') || (isTestBusy(snapshot) && !isBusy(snapshot))) {
    candidates.push(
      ok ? { type: 'TEST_OPERATION_SUCCEEDED' } : { type: 'TEST_OPERATION_FAILED', error: ERROR },
    );
  } else if (status === 'STARTING_REPLICATION') {
    candidates.push(ok ? { type: 'REPLICATION_STARTED' } : { type: 'REPLICATION_FAILED', error: ERROR });
  } else {
    candidates.push(ok ? { type: 'OPERATION_SUCCEEDED' } : { type: 'OPERATION_FAILED', error: ERROR });
  }
  return candidates.find((event) => snapshot.can(event)) ?? null;
}

export function actionEventIn(
  state: FlowState,
  action: UserAction,
  deleteAllRecoveryPoints = false,
): DrPairEvent {
  return actionEvent(action, {
    recoveryPoint: { id: 'rp', available: state.points },
    deleteAllRecoveryPoints,
  });
}

/** The state after `event`; the points fact follows what the simulator does with points. */
export function apply(state: FlowState, event: DrPairEvent): FlowState {
  const [snapshot] = transition(drPairMachine, state.snapshot, event);
  let points = state.points;
  if (event.type === 'REPLICATION_STARTED') points = true;
  if (event.type === 'RESTART_REPLICATION' || event.type === 'DETACH') points = false;
  if (event.type === 'COMMIT_FAILOVER' && event.deleteAllRecoveryPoints) points = false;
  return { snapshot, points };
}

export const allowedIn = (state: FlowState): UserAction[] =>
  allowedActions(state.snapshot, { hasAvailableRecoveryPoint: state.points });

export const outcomesIn = (state: FlowState): Outcome[] =>
  OUTCOMES.filter((o) => outcomeEvent(state, o) !== null);

/**
 * The outcomes possible here, one per distinct event: while only the test environment is busy,
 * `succeeds` and `test succeeds` are the same thing, so only the more precise word is kept.
 */
export function distinctOutcomesIn(state: FlowState): Outcome[] {
  const byEvent = new Map<string, Outcome>();
  for (const outcome of outcomesIn(state)) {
    const event = outcomeEvent(state, outcome);
    if (event) byEvent.set(event.type, outcome);
  }
  return [...byEvent.values()];
}

export const statusIn = (state: FlowState): DrPairStatus => statusOf(state.snapshot);
export const testIn = (state: FlowState): TestFailoverState => testStateOf(state.snapshot);
export const finalIn = (state: FlowState): boolean => isFinal(state.snapshot);

/** `Replicating`, or `Replicating, test Ready` while a test environment exists. */
export function describeState(status: DrPairStatus, test: TestFailoverState = 'NONE'): string {
  const label = `${STATUS_LABELS[status]} (${status})`;
  return test === 'NONE' ? label : `${label}, test ${TEST_STATE_LABELS[test]} (${test})`;
}

export const stateKey = (state: FlowState): string => `${statusIn(state)}/${testIn(state)}/${state.points}`;

const PROTECTED_STATUSES = new Set<DrPairStatus>(['REPLICATING', 'PAUSED', 'REPLICATION_ERROR']);

/** The chart's state ids (chartGraph) active in a status and test state, parents included. */
export function activeStateIds(status: DrPairStatus, test: TestFailoverState): string[] {
  if (!PROTECTED_STATUSES.has(status)) return [status];
  return [
    'PROTECTED',
    'PROTECTED.replication',
    `PROTECTED.replication.${status}`,
    'PROTECTED.test',
    `PROTECTED.test.${test}`,
  ];
}
