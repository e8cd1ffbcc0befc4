/**
 * The lifecycle drawn from the machine's own definition (its state nodes and transitions), as
 * a graph, a Mermaid state diagram or a Graphviz digraph. Nothing here is written by hand, so
 * docs/lifecycle.md and `drsim chart` always show the chart the code runs.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { drPairMachine } from './dr-pair-machine.js';
import { transitionLabel } from './labels.js';

export interface ChartState {
  /** Dotted path below the root, e.g. `PROTECTED.replication.REPLICATING`. */
  id: string;
  key: string;
  parent: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  label: string | null;
  description: string | null;
  initial: boolean;
}

export interface ChartTransition {
  source: string;
  /** Null for a transition that stays where it is (it only acknowledges the event). */
  target: string | null;
  event: string;
  guard: string | null;
  /** The action a person clicks or the outcome they see, with the guard's conditions in words. */
  label: string;
}

export interface ChartGraph {
  id: string;
  states: ChartState[];
  transitions: ChartTransition[];
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  const combined = guard as { name?: string; guards?: unknown[]; type?: string };
  if (Array.isArray(combined.guards)) {
    const op = combined.name === 'or' ? ' or ' : ' and ';
    return combined.guards.map(guardName).join(op);
  }
  return combined.type ?? combined.name ?? 'guard';
}

/** Every state and transition of a machine, parents before children, in definition order. */
export function chartGraph(machine: AnyStateMachine = drPairMachine): ChartGraph {
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  const visit = (node: AnyStateNode, initial: boolean): void => {
    if (node.path.length > 0) {
      const meta = (node.meta ?? {}) as { label?: string | null };
      states.push({
        id: pathOf(node),
        key: node.key,
        parent: node.path.length > 1 ? node.path.slice(0, -1).join('.') : null,
        type: node.type,
        label: meta.label ?? null,
        description: node.description ?? null,
        initial,
      });
    }
    for (const [event, defs] of node.transitions) {
      for (const def of defs) {
        const guard = guardName(def.guard);
        transitions.push({
          source: pathOf(node),
          target: def.target?.[0] ? pathOf(def.target[0]) : null,
          event,
          guard,
          label: transitionLabel(event, guard),
        });
      }
    }
    const initialKey = node.type === 'compound' ? node.initial?.target?.[0]?.key : undefined;
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      visit(child, node.type === 'parallel' || child.key === initialKey);
    }
  };
  visit(machine.root, true);
  return { id: machine.id, states, transitions };
}

const mermaidId = (id: string): string => id.replaceAll('.', '_');

/** A Mermaid `stateDiagram-v2` of the machine; `highlight` marks the states a pair is in. */
export function toMermaid(graph: ChartGraph = chartGraph(), highlight: readonly string[] = []): string {
  const lines = ['stateDiagram-v2'];
  const childrenOf = (parent: string | null) => graph.states.filter((s) => s.parent === parent);
  const write = (parent: string | null, indent: string): void => {
    const children = childrenOf(parent);
    const parentState = graph.states.find((s) => s.id === parent);
    children.forEach((state, index) => {
      if (parentState?.type === 'parallel' && index > 0) lines.push(`${indent}--`);
      const id = mermaidId(state.id);
      if (state.initial && parentState?.type !== 'parallel') lines.push(`${indent}[*] --> ${id}`);
      const name = state.label ? `${state.key} (${state.label})` : state.key;
      lines.push(`${indent}state "${name}" as ${id}`);
      if (childrenOf(state.id).length > 0) {
        lines.push(`${indent}state ${id} {`);
        write(state.id, `${indent}  `);
        lines.push(`${indent}}`);
      }
      if (state.type === 'final') lines.push(`${indent}${id} --> [*]`);
    });
  };
  write(null, '  ');
  // A transition without a target stays where it is: drawn as a loop, so every edge shows.
  for (const t of graph.transitions) {
    if (!t.source) continue;
    lines.push(`  ${mermaidId(t.source)} --> ${mermaidId(t.target ?? t.source)}: ${t.label}`);
  }
  for (const id of highlight) lines.push(`  class ${mermaidId(id)} current`);
  if (highlight.length > 0) lines.push('  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px');
  return `${lines.join('\n')}\n`;
}

/**
 * A Graphviz digraph of the machine, with clusters for compound and parallel states. An edge
 * from or to a compound state starts or ends at its cluster's border (`ltail`/`lhead`), so a
 * transition the whole of PROTECTED has is drawn from PROTECTED, not from one state in it.
 */
export function toDot(graph: ChartGraph = chartGraph()): string {
  const lines = [
    `digraph ${graph.id} {`,
    '  rankdir=LR;',
    '  compound=true;',
    '  node [shape=box, style=rounded];',
  ];
  const childrenOf = (parent: string | null) => graph.states.filter((s) => s.parent === parent);
  const write = (parent: string | null, indent: string): void => {
    for (const state of childrenOf(parent)) {
      const id = JSON.stringify(state.id);
      if (childrenOf(state.id).length > 0) {
        lines.push(`${indent}subgraph ${JSON.stringify(`cluster_${state.id}`)} {`);
        lines.push(`${indent}  label=${JSON.stringify(state.key)};`);
        write(state.id, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        const label = state.label ? `${state.key}\\n${state.label}` : state.key;
        const shape = state.type === 'final' ? ', peripheries=2' : '';
        lines.push(`${indent}${id} [label="${label}"${shape}];`);
      }
    }
  };
  write(null, '  ');
  const leaf = (id: string): string => {
    const child = childrenOf(id).find((s) => s.initial) ?? childrenOf(id)[0];
    return child ? leaf(child.id) : id;
  };
  const compound = (id: string) => childrenOf(id).length > 0;
  for (const t of graph.transitions) {
    if (!t.source) continue;
    const target = t.target ?? t.source;
    const attrs = [`label=${JSON.stringify(t.label)}`];
    if (compound(t.source)) attrs.push(`ltail=${JSON.stringify(`cluster_${t.source}`)}`);
    if (compound(target)) attrs.push(`lhead=${JSON.stringify(`cluster_${target}`)}`);
    lines.push(
      `  ${JSON.stringify(leaf(t.source))} -> ${JSON.stringify(leaf(target))} [${attrs.join(', ')}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The page docs/lifecycle.md, generated; the test command fails when the file differs. */
export function lifecycleDoc(): string {
  const graph = chartGraph();
  const rows = graph.states
    .filter((s) => s.type === 'atomic' || s.type === 'final')
    .map((s) => `| \`${s.id}\` | ${s.label ?? '—'} | ${s.description ?? ''} |`);
  return [
    '# The DR pair lifecycle',
    '',
    'Generated from `src/machine/dr-pair-machine.ts` by `npm run docs:lifecycle`; do not edit by hand',
    '(the test command fails when this page is out of date).',
    '',
    '```mermaid',
    toMermaid(graph).trimEnd(),
    '```',
    '',
    '| state | label | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
