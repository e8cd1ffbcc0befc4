/**
 * The drawings of the chart (graph, Mermaid, Graphviz) and docs/lifecycle.md, which is
 * generated from it and must not go stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toDirectedGraph } from 'xstate/graph';
import {
  chartGraph,
  drPairMachine,
  lifecycleDoc,
  STATUSES,
  toDot,
  toMermaid,
} from '../../src/machine/index.js';

const graph = chartGraph();
const targeted = graph.transitions.filter((t) => t.target !== null);

/** Every transition xstate itself knows of, as `source -> target: EVENT` with root-relative paths. */
function xstateTransitions(): string[] {
  const strip = (id: string): string => id.replace(/^drPair\.?/, '');
  const out: string[] = [];
  const visit = (node: ReturnType<typeof toDirectedGraph>): void => {
    for (const edge of node.edges) {
      if (edge.transition.target)
        out.push(`${strip(edge.source.id)} -> ${strip(edge.target.id)}: ${edge.label.text}`);
    }
    node.children.forEach(visit);
  };
  visit(toDirectedGraph(drPairMachine));
  return out.sort();
}

/** The `"from" -> "to" [label="..."]` edges of a dot text. */
function dotEdges(dot: string): { from: string; to: string; label: string }[] {
  const edge = /^ {2}"([^"]+)" -> "([^"]+)" \[label="([^"]+)"\];$/;
  return dot
    .split('\n')
    .map((line) => edge.exec(line))
    .filter((match) => match !== null)
    .map(([, from = '', to = '', label = '']) => ({ from, to, label }));
}

describe('chart', () => {
  it('docs/lifecycle.md is the generated page', () => {
    const doc = readFileSync(new URL('../../docs/lifecycle.md', import.meta.url), 'utf8');
    expect(doc, 'docs/lifecycle.md is stale: run `npm run docs:lifecycle`').toBe(lifecycleDoc());
  });

  it('chartGraph lists a state for every status, with its label', () => {
    for (const status of STATUSES) {
      const state = graph.states.find((s) => s.key === status && s.type !== 'compound');
      expect(state, status).toBeDefined();
      expect(state?.label, status).toBeTruthy();
    }
    const initial = graph.states.filter((s) => s.parent === null && s.initial).map((s) => s.id);
    expect(initial).toEqual(['ATTACHED']);
    expect(graph.states.filter((s) => s.type === 'final').map((s) => s.id)).toEqual([
      'COMMITTED',
      'DETACHED',
    ]);
  });

  it('chartGraph has the same transitions as the machine', () => {
    const ours = targeted.map((t) => `${t.source} -> ${t.target}: ${t.event}`).sort();
    expect(ours).toEqual(xstateTransitions());
    expect(graph.transitions).toContainEqual({
      source: 'PROTECTED.replication.REPLICATING',
      target: null,
      event: 'RECOVERY_POINT_CREATED',
      guard: null,
    });
  });

  it('toMermaid declares every status and draws every transition', () => {
    const mermaid = toMermaid();
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const status of STATUSES) {
      const state = graph.states.find((s) => s.key === status && s.type !== 'compound');
      expect(mermaid).toContain(`state "${status} (${state?.label})" as ${state?.id.replaceAll('.', '_')}`);
    }
    for (const t of targeted) {
      expect(mermaid).toContain(
        `${t.source.replaceAll('.', '_')} --> ${t.target?.replaceAll('.', '_')}: ${t.event}`,
      );
    }
    expect(mermaid).toContain('COMMITTED --> [*]');
    expect(mermaid).toContain('DETACHED --> [*]');
  });

  it('toMermaid highlights the current states', () => {
    const mermaid = toMermaid(graph, ['FAILED_OVER']);
    expect(mermaid).toContain('class FAILED_OVER current');
    expect(mermaid).toContain('classDef current');
    expect(toMermaid()).not.toContain('classDef current');
  });

  it('toDot is a digraph with a node for every status and an edge for every transition', () => {
    const dot = toDot();
    expect(dot.startsWith('digraph drPair {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    for (const status of STATUSES)
      expect(dot).toMatch(new RegExp(`"[A-Za-z_.]*${status}" \\[label="${status}\\\\n`));
    const edges = dotEdges(dot);
    expect(edges).toHaveLength(targeted.length);
    for (const t of targeted) {
      // A compound source or target is drawn at its initial leaf.
      const within = (leaf: string, state: string | null): boolean =>
        leaf === state || leaf.startsWith(`${state}.`);
      const drawn = edges.find(
        (e) => e.label.startsWith(t.event) && within(e.from, t.source) && within(e.to, t.target),
      );
      expect(drawn, `${t.source} -> ${t.target}: ${t.event}`).toBeDefined();
      if (t.guard) expect(drawn?.label).toBe(`${t.event} [${t.guard}]`);
    }
  });
});
