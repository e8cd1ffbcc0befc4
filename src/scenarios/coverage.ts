/**
 * Which statechart states and transitions the scenario library exercises, read off the
 * `pair.transition` events of each run: a chart transition is covered when a run took that
 * event from a state inside its source to a state inside its target.
 */
import { type ChartTransition, chartGraph } from '../machine/chart.js';
import type { DrPairStatus, TestFailoverState } from '../machine/index.js';
import { activeStateIds } from './lifecycle.js';
import type { ScenarioResult } from './runner.js';

export interface CoverageRow {
  scenarios: string[];
}
export interface StateCoverage extends CoverageRow {
  id: string;
  label: string | null;
}
export interface TransitionCoverage extends CoverageRow {
  source: string;
  event: string;
  target: string;
  guard: string | null;
}

export interface CoverageReport {
  runs: number;
  failed: number;
  states: StateCoverage[];
  transitions: TransitionCoverage[];
  /** Transitions that change no state (they only acknowledge an event): no event shows them. */
  unobservable: ChartTransition[];
}

export function coverageOf(results: readonly ScenarioResult[]): CoverageReport {
  const graph = chartGraph();
  const states: StateCoverage[] = graph.states
    .filter((s) => s.type === 'atomic' || s.type === 'final')
    .map((s) => ({ id: s.id, label: s.label, scenarios: [] }));
  const transitions: TransitionCoverage[] = graph.transitions
    .filter((t): t is ChartTransition & { target: string } => t.target !== null)
    .map((t) => ({ source: t.source, event: t.event, target: t.target, guard: t.guard, scenarios: [] }));
  const add = (row: CoverageRow, file: string) => {
    if (!row.scenarios.includes(file)) row.scenarios.push(file);
  };
  for (const result of results) {
    for (const seen of result.transitions) {
      const from = activeStateIds(seen.from as DrPairStatus, seen.testFrom as TestFailoverState);
      const to = activeStateIds(seen.to as DrPairStatus, seen.testTo as TestFailoverState);
      for (const state of states)
        if (from.includes(state.id) || to.includes(state.id)) add(state, result.file);
      for (const t of transitions) {
        if (t.event === seen.event && from.includes(t.source) && to.includes(t.target)) add(t, result.file);
      }
    }
  }
  return {
    runs: results.length,
    failed: results.filter((r) => r.status === 'failed').length,
    states,
    transitions,
    unobservable: graph.transitions.filter((t) => t.target === null),
  };
}

const count = (rows: CoverageRow[]) => `${rows.filter((r) => r.scenarios.length > 0).length}/${rows.length}`;
const cell = (row: CoverageRow) => (row.scenarios.length === 0 ? '**none**' : String(row.scenarios.length));

export function coverageMarkdown(report: CoverageReport, source: string): string {
  const lines = [
    '# Statechart coverage of the scenarios',
    '',
    `${report.runs} runs of ${source}${report.failed > 0 ? ` (${report.failed} failed: their events up to the failure count)` : ''}.`,
    '',
    `## States: ${count(report.states)} exercised`,
    '',
    '| state | label | scenarios |',
    '|---|---|---|',
    ...report.states.map((s) => `| \`${s.id}\` | ${s.label ?? '—'} | ${cell(s)} |`),
    '',
    `## Transitions: ${count(report.transitions)} exercised`,
    '',
    '| from | event | to | guard | scenarios |',
    '|---|---|---|---|---|',
    ...report.transitions.map(
      (t) => `| \`${t.source}\` | ${t.event} | \`${t.target}\` | ${t.guard ?? ''} | ${cell(t)} |`,
    ),
  ];
  const idleStates = report.states.filter((s) => s.scenarios.length === 0);
  const idleTransitions = report.transitions.filter((t) => t.scenarios.length === 0);
  lines.push('', '## Not exercised', '');
  lines.push(
    idleStates.length === 0
      ? 'Every state has a scenario.'
      : `States with no scenario: ${idleStates.map((s) => `\`${s.id}\``).join(', ')}.`,
  );
  lines.push(
    idleTransitions.length === 0
      ? 'Every transition has a scenario.'
      : `Transitions with no scenario: ${idleTransitions.map((t) => `\`${t.source}\` ${t.event} → \`${t.target}\``).join('; ')}.`,
  );
  if (report.unobservable.length > 0) {
    lines.push(
      '',
      `Not counted (they change no state, so no event shows them): ${report.unobservable.map((t) => `\`${t.source}\` ${t.event}`).join('; ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
