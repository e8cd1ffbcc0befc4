/**
 * The lifecycle chart's layout, computed by elkjs (the Eclipse Layout Kernel, also behind
 * XState's visual editor) from the machine's own definition: compound and parallel states
 * as frames, states as boxes, and one arrow per pair of states, labelled with what moves a
 * pair along — the button a person clicks ("Failover") or what happens by itself ("the job
 * succeeds"). Computed once per process: the machine does not change while it runs.
 */
import type elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import { type ChartGraph, type ChartState, USER_ACTIONS, type UserAction } from '../machine/index.js';

type ElkClass = typeof elkModule.default;

/**
 * elkjs is loaded on the first chart, not at startup: importing it costs more than the rest of
 * `drsim serve`'s startup together (see docs/performance.md). It is CommonJS: Node hands its
 * module.exports (the class) as the default import, while its types describe an ES module whose
 * default is the class.
 */
async function loadElk(): Promise<ElkClass> {
  const loaded = await import('elkjs/lib/elk.bundled.js');
  const mod = loaded.default as unknown as ElkClass | { default?: ElkClass };
  return (mod as { default?: ElkClass }).default ?? (mod as ElkClass);
}

/** Chart text size in px at 100 %: readable at 1366 px width without zooming. */
export const CHART_FONT_PX = 13;
/** A generous average glyph width of the console's sans-serif at CHART_FONT_PX. */
const CHAR_PX = 7.6;

export interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  container: boolean;
  state: ChartState;
}

export interface EdgeLabel {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Edge {
  id: string;
  source: string;
  target: string;
  /** True when a person's action moves the pair along this arrow. */
  byPerson: boolean;
  d: string;
  labels: EdgeLabel[];
}

export interface InitialMark {
  x: number;
  y: number;
  d: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  boxes: Box[];
  edges: Edge[];
  initials: InitialMark[];
}

const camelOf = (event: string): string =>
  event.toLowerCase().replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());

/** What moves a pair along an arrow, in words: the button's label, or what happens by itself. */
export function describeEvent(
  event: string,
  labels: Record<UserAction, string>,
): { text: string; byPerson: boolean } {
  const action = camelOf(event) as UserAction;
  if ((USER_ACTIONS as readonly string[]).includes(action)) return { text: labels[action], byPerson: true };
  const automatic: Record<string, string> = {
    REPLICATION_STARTED: 'full copy done',
    REPLICATION_FAILED: 'replication fails',
    REPLICATION_RECOVERED: 'cause gone',
    OPERATION_SUCCEEDED: 'job succeeds',
    OPERATION_FAILED: 'job fails',
    TEST_OPERATION_SUCCEEDED: 'test job succeeds',
    TEST_OPERATION_FAILED: 'test job fails',
    RECOVERY_POINT_CREATED: 'recovery point taken',
  };
  return { text: automatic[event] ?? event.toLowerCase().replaceAll('_', ' '), byPerson: false };
}

const textWidth = (text: string) => Math.ceil(text.length * CHAR_PX) + 8;
const LABEL_H = CHART_FONT_PX + 6;
const safeId = (id: string) => id.replace(/[^\w-]/g, '_');

let cached: Promise<ChartLayout> | null = null;

export function layoutChart(graph: ChartGraph, labels: Record<UserAction, string>): Promise<ChartLayout> {
  cached ??= computeLayout(graph, labels);
  return cached;
}

async function computeLayout(graph: ChartGraph, labels: Record<UserAction, string>): Promise<ChartLayout> {
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const containers = new Set(graph.states.filter((s) => s.parent).map((s) => s.parent as string));
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '30',
      'elk.spacing.nodeNode': '20',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '14',
      'elk.edgeLabels.inline': 'false',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
    children: [],
    edges: [],
  };
  nodes.set('root', root);
  // The test region's idle state has no label and no use on a chart: nothing happens there.
  const shown = graph.states.filter((state) => !(state.type === 'atomic' && !state.label && !state.initial));
  for (const state of shown) {
    const title = state.label ? `${state.label}` : state.key;
    const container = containers.has(state.id);
    const node: ElkNode = container
      ? {
          id: safeId(state.id),
          labels: [{ text: state.key, width: textWidth(state.key), height: LABEL_H }],
          layoutOptions: {
            'elk.padding': '[top=34,left=14,bottom=14,right=14]',
            'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT',
            ...(state.type === 'parallel' ? { 'elk.direction': 'RIGHT' } : {}),
          },
          children: [],
        }
      : { id: safeId(state.id), width: Math.max(120, textWidth(title) + 16), height: state.label ? 44 : 30 };
    nodes.set(state.id, node);
  }
  for (const state of shown) {
    const parent = nodes.get(state.parent ?? 'root') ?? root;
    parent.children?.push(nodes.get(state.id) as ElkNode);
  }
  // One initial dot per compound state (and for the machine itself).
  const initials: string[] = [];
  for (const state of shown) {
    const parentIsCompound = state.parent === null || byId.get(state.parent)?.type === 'compound';
    if (!state.initial || !parentIsCompound) continue;
    const parent = nodes.get(state.parent ?? 'root') ?? root;
    const dot = `init_${safeId(state.id)}`;
    parent.children?.push({ id: dot, width: 10, height: 10 });
    root.edges?.push({ id: `e_${dot}`, sources: [dot], targets: [safeId(state.id)] });
    initials.push(dot);
  }
  // One arrow per (source, target); several events on it become several labels.
  const grouped = new Map<string, { source: string; target: string; texts: string[]; byPerson: boolean }>();
  for (const t of graph.transitions) {
    if (!t.target || t.target === t.source || !nodes.has(t.source) || !nodes.has(t.target)) continue;
    const key = `${t.source}->${t.target}`;
    const said = describeEvent(t.event, labels);
    const entry = grouped.get(key) ?? { source: t.source, target: t.target, texts: [], byPerson: false };
    if (!entry.texts.includes(said.text)) entry.texts.push(said.text);
    entry.byPerson ||= said.byPerson;
    grouped.set(key, entry);
  }
  const edgeInfo = new Map<string, { source: string; target: string; byPerson: boolean }>();
  [...grouped.values()].forEach((entry, index) => {
    const id = `t${index}`;
    edgeInfo.set(id, entry);
    const edge: ElkExtendedEdge = {
      id,
      sources: [safeId(entry.source)],
      targets: [safeId(entry.target)],
      labels: entry.texts.map((text) => ({ text, width: textWidth(text), height: LABEL_H })),
    };
    root.edges?.push(edge);
  });

  const ELK = await loadElk();
  const laid = await new ELK().layout(root);
  const boxes: Box[] = [];
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      const state = shown.find((s) => safeId(s.id) === child.id);
      if (state) {
        boxes.push({
          id: state.id,
          x: child.x ?? 0,
          y: child.y ?? 0,
          w: child.width ?? 0,
          h: child.height ?? 0,
          container: containers.has(state.id),
          state,
        });
      }
      visit(child);
    }
  };
  visit(laid);
  const pathOf = (edge: ElkExtendedEdge): string =>
    (edge.sections ?? [])
      .map((section) =>
        [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]
          .map((point, i) => `${i === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`)
          .join(' '),
      )
      .join(' ');
  const edges: Edge[] = [];
  const marks: InitialMark[] = [];
  for (const edge of laid.edges ?? []) {
    const info = edgeInfo.get(edge.id);
    if (!info) {
      const dot = findNode(laid, edge.sources[0] ?? '');
      if (dot) marks.push({ x: (dot.x ?? 0) + 5, y: (dot.y ?? 0) + 5, d: pathOf(edge) });
      continue;
    }
    edges.push({
      id: edge.id,
      source: info.source,
      target: info.target,
      byPerson: info.byPerson,
      d: pathOf(edge),
      labels: (edge.labels ?? []).map(
        (label: { text?: string; x?: number; y?: number; width?: number; height?: number }) => ({
          text: label.text ?? '',
          x: label.x ?? 0,
          y: label.y ?? 0,
          w: label.width ?? 0,
          h: label.height ?? 0,
        }),
      ),
    });
  }
  return {
    width: Math.ceil(laid.width ?? 0) + 4,
    height: Math.ceil(laid.height ?? 0) + 4,
    boxes,
    edges,
    initials: marks,
  };
}

function findNode(node: ElkNode, id: string): ElkNode | undefined {
  if (node.id === id) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, id);
    if (found) return found;
  }
  return undefined;
}

/** The atomic states a pair is in: its status, and its test-failover state inside Protected. */
export function currentStates(graph: ChartGraph, status: string, testState: string): string[] {
  const depth = (s: ChartState) => s.id.split('.').length;
  const candidates = graph.states.filter(
    (s) => s.key === status && (s.type === 'atomic' || s.type === 'final'),
  );
  const main = candidates.sort((a, b) => depth(a) - depth(b))[0];
  if (!main) return [];
  const ancestors = ancestorsOf(graph, [main.id]);
  const result = [main.id];
  const parallel = ancestors.find((id) => graph.states.find((s) => s.id === id)?.type === 'parallel');
  if (parallel) {
    const ownRegion = ancestors.find((id) => graph.states.find((s) => s.id === id)?.parent === parallel);
    const other = graph.states.find(
      (s) =>
        s.key === testState &&
        s.id.startsWith(`${parallel}.`) &&
        !(ownRegion && s.id.startsWith(`${ownRegion}.`)) &&
        (s.type === 'atomic' || s.type === 'final'),
    );
    if (other) result.push(other.id);
  }
  return result;
}

/** Every state that contains one of `ids`. */
export function ancestorsOf(graph: ChartGraph, ids: string[]): string[] {
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const result = new Set<string>();
  for (const id of ids) {
    let parent = byId.get(id)?.parent;
    while (parent) {
      result.add(parent);
      parent = byId.get(parent)?.parent;
    }
  }
  return [...result];
}
