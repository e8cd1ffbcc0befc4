/**
 * The whole reachable state space under a finite alphabet of concrete events (`xstate/graph`):
 * every state node is reachable, COMMITTED is reachable, and nothing but the two final states is
 * a dead end.
 */
import { describe, expect, it } from 'vitest';
import {
  type AdjacencyMap,
  getAdjacencyMap,
  getShortestPaths,
  getStateNodes,
  serializeSnapshot,
} from 'xstate/graph';
import {
  type DrPairEvent,
  type DrPairSnapshot,
  drPairMachine,
  isFinal,
  STATUSES,
  statusOf,
  TEST_STATES,
} from '../../src/machine/index.js';
import { CONCRETE_EVENTS, run } from './helpers.js';

type Adjacency = AdjacencyMap<DrPairSnapshot, DrPairEvent>;

const adjacency: Adjacency = getAdjacencyMap(drPairMachine, { events: CONCRETE_EVENTS });
const entries = Object.entries(adjacency);
const keyOf = (snapshot: DrPairSnapshot): string => serializeSnapshot(snapshot);

/** The dotted paths of the leaf states a state value is in. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leafPaths(child, `${prefix}${key}.`),
  );
}

/** The successors of a state that differ from it. */
const successors = (key: string): string[] =>
  Object.values(adjacency[key as keyof Adjacency]?.transitions ?? {})
    .map(({ state }) => keyOf(state))
    .filter((next) => next !== key);

describe('state graph', () => {
  const leaves = getStateNodes(drPairMachine)
    .filter((node) => node.type === 'atomic' || node.type === 'final')
    .map((node) => node.path.join('.'));

  it('the machine has a leaf state for every status and test state', () => {
    const keys = leaves.map((leaf) => leaf.split('.').at(-1));
    for (const status of STATUSES) expect(keys).toContain(status);
    for (const test of TEST_STATES) expect(leaves).toContain(`PROTECTED.test.${test}`);
    expect(leaves).toHaveLength(STATUSES.length + TEST_STATES.length);
  });

  it('the traversal is finite and non-trivial', () => {
    expect(entries.length).toBeGreaterThan(STATUSES.length);
    expect(entries.length).toBeLessThan(100_000);
  });

  it('every leaf state, including the test region, is reachable from ATTACHED', () => {
    const reached = new Set(entries.flatMap(([, { state }]) => leafPaths(state.value)));
    expect([...reached].sort()).toEqual([...leaves].sort());
  });

  it('every status is reachable', () => {
    const reached = new Set(entries.map(([, { state }]) => statusOf(state)));
    expect([...reached].sort()).toEqual([...STATUSES].sort());
  });

  it('COMMITTED is reachable from the initial state, by the failover procedure', () => {
    const paths = getShortestPaths(drPairMachine, {
      events: CONCRETE_EVENTS,
      toState: (snapshot) => statusOf(snapshot) === 'COMMITTED',
    });
    expect(paths.length).toBeGreaterThan(0);
    const shortest = paths.reduce((a, b) => (b.weight < a.weight ? b : a));
    // The first step of a path is the initial snapshot, reached by `xstate.init`.
    expect(shortest.steps[0]?.event.type as string).toBe('xstate.init');
    const events = shortest.steps.slice(1).map((step) => step.event);
    expect(events.map((event) => event.type)).toEqual([
      'START_REPLICATION',
      'REPLICATION_STARTED',
      'FAILOVER',
      'OPERATION_SUCCEEDED',
      'COMMIT_FAILOVER',
      'OPERATION_SUCCEEDED',
    ]);
    expect(statusOf(run(events))).toBe('COMMITTED');
  });

  it('no reachable state other than COMMITTED and DETACHED is a dead end', () => {
    const deadEnds = entries
      .filter(([key, { state }]) => !isFinal(state) && successors(key).length === 0)
      .map(([key]) => key);
    expect(deadEnds).toEqual([]);
    const finals = entries.filter(([, { state }]) => isFinal(state));
    expect(new Set(finals.map(([, { state }]) => statusOf(state)))).toEqual(
      new Set(['COMMITTED', 'DETACHED']),
    );
    for (const [key] of finals) expect(successors(key)).toEqual([]);
  });

  it('from every reachable state a final state can still be reached', () => {
    // Walk the edges backwards from the final states.
    const predecessors = new Map<string, string[]>();
    for (const [key] of entries) {
      for (const next of successors(key)) predecessors.set(next, [...(predecessors.get(next) ?? []), key]);
    }
    const canFinish = new Set(entries.filter(([, { state }]) => isFinal(state)).map(([key]) => key));
    const queue = [...canFinish];
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      for (const previous of predecessors.get(key) ?? []) {
        if (!canFinish.has(previous)) {
          canFinish.add(previous);
          queue.push(previous);
        }
      }
    }
    const stuck = entries.filter(([key]) => !canFinish.has(key)).map(([key]) => key);
    expect(stuck).toEqual([]);
  });
});
