/**
 * The mutation check: a deliberately broken engine must make the library fail, by an invariant
 * checker and not by luck. The mutant keeps taking recovery points after a commit (what the
 * service promises never happens: "after commit replication no longer works"); the scenarios
 * that go on after a commit must each fail with a checker's violation at that step.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/scenarios/discover.js';
import { planRuns } from '../../src/scenarios/plan.js';
import { runAll } from '../../src/scenarios/runner.js';
import { inProcessTarget } from '../../src/scenarios/targets.js';
import { runCheckers } from '../../src/sim/checkers/index.js';
import type { SimState, Simulator } from '../../src/sim/contract.js';

import { ROOT } from './helpers.js';

/**
 * After each advance, every committed pair gets a fresh recovery point, as a buggy engine would.
 * The engine itself refuses a state that breaks invariants (an import is checked first), so the
 * mutant keeps its points beside the engine and shows them to the checkers, which is all a
 * scenario run can observe of them.
 */
function keepsReplicatingAfterCommit(sim: Simulator): Simulator {
  const extra: {
    point: SimState['recoveryPoints'][number];
    event: Omit<SimState['events'][number], 'seq'>;
  }[] = [];
  const advance: Simulator['advance'] = (duration) => {
    const result = sim.advance(duration);
    for (const pair of sim.exportState().pairs.filter((p) => p.status === 'COMMITTED')) {
      const id = `rp-mutant${extra.length + 1}`;
      extra.push({
        point: {
          id,
          pairId: pair.id,
          tenant: pair.tenant,
          createdAt: result.to,
          status: 'AVAILABLE',
          tags: ['interval'],
          sizeBytes: 1,
          dataVersion: 1,
          consistency: 'crash-consistent',
          corrupt: false,
        },
        event: {
          at: result.to,
          tenant: pair.tenant,
          pairId: pair.id,
          kind: 'recoveryPoint.created',
          data: { recoveryPointId: id, dataVersion: 1 },
        },
      });
    }
    return result;
  };
  const check: Simulator['check'] = () => {
    const state = sim.exportState();
    let seq = state.events.reduce((max, e) => Math.max(max, e.seq), 0);
    for (const { point, event } of extra) {
      state.recoveryPoints.push(point);
      state.events.push({ ...event, seq: ++seq });
    }
    return runCheckers(state);
  };
  return { ...sim, advance, check };
}

const AFTER_COMMIT = [
  'scenarios/failover/latest-and-commit.scenario.yaml',
  'scenarios/failover/commit-delete-points.scenario.yaml',
  'scenarios/failover/replication-stops.scenario.yaml',
  'scenarios/refusals/final-states.scenario.yaml',
];

describe('mutation check', () => {
  it('an engine that replicates after commit fails every scenario that goes on after a commit, by a checker', async () => {
    const { scenarios, problems } = loadScenarios(AFTER_COMMIT.map((file) => `${ROOT}${file}`));
    expect(problems).toEqual([]);
    const units = planRuns(scenarios);
    const sound = await runAll(units, inProcessTarget());
    expect(sound.map((r) => r.status)).toEqual(AFTER_COMMIT.map(() => 'passed'));

    const mutant = await runAll(units, inProcessTarget(keepsReplicatingAfterCommit));
    for (const result of mutant) {
      expect(result.status, result.file).toBe('failed');
      expect(result.failure?.message, result.file).toMatch(/^invariant violated: /);
      expect(result.failure?.checkers, result.file).toEqual(
        expect.arrayContaining(['I1-points-only-while-replicating']),
      );
      expect(result.failure?.found, result.file).toMatch(
        /recovery point rp-mutant\d+ was created .* while the pair was COMMITTED/,
      );
      // The first clock move after the commit: an advance, or the poll of the wait for the commit.
      expect(['advance', 'waitForJob'], result.file).toContain(result.failure?.kind);
    }
  });
});
