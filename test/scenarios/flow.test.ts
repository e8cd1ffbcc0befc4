/** check-flow and paths: product flows replayed on the statechart, and every journey listed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFlow } from '../../src/scenarios/flow.js';
import { journeys, journeysMarkdown } from '../../src/scenarios/paths.js';
import { ROOT } from './helpers.js';

const fixture = (name: string) => `${ROOT}test/scenarios/fixtures/${name}`;
const check = (path: string) => checkFlow(path, readFileSync(path, 'utf8'));
const flow = (text: string) => checkFlow('inline.flow.yaml', text);

describe('check-flow', () => {
  it('the library flow is valid and ends Committed', () => {
    const result = check(`${ROOT}scenarios/flows/failover-with-retry.flow.yaml`);
    expect(result.problems).toEqual([]);
    expect(result.divergence).toBeNull();
    expect(result.trace.at(-1)?.state).toBe('Committed (COMMITTED)');
  });

  it('an action not allowed there: where, why, and what is allowed', () => {
    const result = check(fixture('commit-too-early.flow.yaml'));
    expect(result.divergence).toMatchObject({ line: 6, text: 'commitFailover' });
    expect(result.divergence?.message).toBe(
      'Commit Failover ("commitFailover") is not allowed while the pair is Failover Processing (FAILOVER_PROCESSING): the pair is busy (Failover Processing) until its running operation ends. Here: allowed actions: (none); outcomes: succeeds, fails.',
    );
  });

  it('a refusal is explained by the one condition that failed, in the console words', () => {
    const result = check(fixture('restart-during-test.flow.yaml'));
    expect(result.divergence?.message).toContain(
      'Restart Replication ("restartReplication") is not allowed while the pair is Replicating (REPLICATING), test Ready (READY): a test environment exists (Clean Test Environment first). Here:',
    );
    expect(result.divergence?.message).toContain(
      'allowed actions: stopReplication, changeTestRecoveryPoint, cleanTestEnvironment, failover',
    );
    expect(flow('- startReplication\n- fails\n- failover\n').divergence?.message).toContain(
      ': the pair has no recovery point to use. Here:',
    );
    const cleaning =
      '- startReplication\n- succeeds\n- testFailover\n- test succeeds\n- cleanTestEnvironment\n';
    expect(flow(`${cleaning}- failover\n`).divergence?.message).toContain(
      'test Cleaning (CLEANING): the test environment is being cleaned. Here:',
    );
    expect(flow('- startReplication\n- succeeds\n- commitFailover\n').divergence?.message).toContain(
      ': Commit Failover is possible only when the pair is Failed Over. Here:',
    );
  });

  it('a status that cannot be shown there, with the outcome left out', () => {
    const result = check(fixture('missing-outcome.flow.yaml'));
    expect(result.divergence?.message).toBe(
      'the design shows Replicating (REPLICATING), but the pair is Start Replication (STARTING_REPLICATION) at this point. Did you leave out "succeeds" before this line?',
    );
    expect(flow('- startReplication\n- succeeds\n- expect: Committed\n').divergence?.message).toMatch(
      /Committed \(COMMITTED\) cannot follow here/,
    );
  });

  it('an outcome nothing could have', () => {
    expect(flow('- succeeds\n').divergence?.message).toMatch(
      /^nothing can "succeeds" while the pair is Attached/,
    );
  });

  it('unknown words are problems with a suggestion, at their line', () => {
    const result = check(fixture('unknown-word.flow.yaml'));
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [3, '"succeed" is not a user action, an outcome or a status. Did you mean "succeeds"?'],
      [4, '"Replicatng" is not a status. Did you mean "Replicating"?'],
    ]);
  });
});

describe('paths', () => {
  const all = journeys({ maxDepth: 8 });

  it('finds the procedure, never repeats a state on a journey, and respects the depth', () => {
    const moves = all.journeys.map((j) => j.steps.map((s) => s.move).join(' '));
    expect(moves).toContain('startReplication succeeds failover succeeds commitFailover succeeds');
    expect(moves).toContain('startReplication succeeds failover fails detach');
    expect(moves).toContain('detach');
    expect(moves.some((m) => m.includes('failover fails failover'))).toBe(false);
    for (const journey of all.journeys) {
      expect(journey.steps.length).toBeLessThanOrEqual(8);
      expect(['COMMITTED', 'DETACHED']).toContain(journey.end);
      const states = journey.steps.map((s) => s.state);
      expect(new Set(states).size).toBe(states.length);
    }
  });

  it('lists each journey once: no two journeys are the same moves in other words', () => {
    const states = all.journeys.map((j) => j.steps.map((s) => s.state).join(' · '));
    expect(new Set(states).size).toBe(states.length);
    const moves = all.journeys.map((j) => j.steps.map((s) => s.move).join(' '));
    expect(new Set(moves).size).toBe(moves.length);
    // While only a test runs, "succeeds" and "test succeeds" are one outcome, named precisely.
    expect(moves).toContain(
      'startReplication succeeds testFailover test fails failover succeeds commitFailover succeeds',
    );
    expect(moves.some((m) => m.includes('testFailover succeeds'))).toBe(false);
    expect(all.journeys).toHaveLength(39);
  });

  it('--revisits lists the retry loops of the procedure', () => {
    const moves = journeys({ maxDepth: 8, revisits: 1 }).journeys.map((j) =>
      j.steps.map((s) => s.move).join(' '),
    );
    expect(moves).toContain(
      'startReplication succeeds failover fails failover succeeds commitFailover succeeds',
    );
    expect(moves).toContain('startReplication succeeds failover fails restartReplication succeeds detach');
  });

  it('--to stops at the status; a deeper search finds more', () => {
    const toFailedOver = journeys({ to: 'FAILED_OVER', maxDepth: 6 });
    expect(toFailedOver.journeys.length).toBeGreaterThan(0);
    expect(
      toFailedOver.journeys.every(
        (j) => j.end === 'FAILED_OVER' && j.steps.at(-1)?.state === 'Failed Over (FAILED_OVER)',
      ),
    ).toBe(true);
    expect(journeys({ maxDepth: 10 }).journeys.length).toBeGreaterThan(all.journeys.length);
  });

  it('writes a Markdown checklist grouped by end', () => {
    const md = journeysMarkdown(all, { maxDepth: 8 });
    expect(md).toMatch(/^# User journeys/);
    expect(md).toContain('## To Committed (COMMITTED): ');
    expect(md).toContain(
      '- [ ] 1. **startReplication** → Start Replication (STARTING_REPLICATION) · _succeeds_ → Replicating (REPLICATING)',
    );
    expect(md.match(/^- \[ \] /gm)?.length).toBe(all.journeys.length);
  });
});
