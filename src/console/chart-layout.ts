/**
 * Lays out the statechart for drawing, from `chartGraph()` alone: no position is written by
 * hand, so a state or transition added to the machine appears on the console's drawing by
 * itself. A small layered layout: in each compound state its children get ranks from the
 * transitions between them (longest path from the initial child, cycles broken where a
 * depth-first walk meets them); the top level runs top to bottom, nested states left to
 * right, and the regions of a parallel state are stacked.
 */
import type { ChartGraph, ChartState } from '../machine/index.js';

export interface Box {
  id: string;
  state: ChartState | null;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Compound and parallel states are drawn as frames around their children. */
  container: boolean;
}

export interface Edge {
  source: string;
  target: string;
  events: string[];
  guards: (string | null)[];
  /** SVG path data. */
  d: string;
  labelX: number;
  labelY: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  boxes: Box[];
  edges: Edge[];
  /** Where each container's initial child is entered from: a dot and a short arrow. */
  initials: { x1: number; y1: number; x2: number; y2: number }[];
}

type Direction = 'TB' | 'LR';

/** Between ranks: top to bottom the labels sit beside the edges, left to right they sit on them. */
const GAP_RANK: Record<Direction, number> = { TB: 84, LR: 150 };
const GAP_SIBLING = 44;
const PAD = 16;
const TITLE_H = 22;
const MARGIN = 90;
const CHAR_W = 7;

interface Sized {
  w: number;
  h: number;
  /** Children's positions relative to this node's top left. */
  place(x: number, y: number): void;
}

export function layoutChart(graph: ChartGraph): ChartLayout {
  const byId = new Map(graph.states.map((state) => [state.id, state]));
  const childrenOf = (parent: string | null) => graph.states.filter((s) => s.parent === parent);
  const boxes = new Map<string, Box>();
  const ranks = new Map<string, number>();
  const directionOf = new Map<string | null, Direction>();
  const initials: ChartLayout['initials'] = [];

  /** The child of `container` that is `id` or holds it; null outside. */
  const liftTo = (container: string | null, id: string): string | null => {
    let current = byId.get(id);
    while (current && current.parent !== container)
      current = current.parent ? byId.get(current.parent) : undefined;
    return current?.id ?? null;
  };

  const measureAtomic = (state: ChartState): Sized => {
    const w = Math.max(110, Math.max(state.key.length, (state.label ?? '').length) * CHAR_W + 24);
    const h = state.label ? 44 : 30;
    return {
      w,
      h,
      place: (x, y) => {
        boxes.set(state.id, { id: state.id, state, x, y, w, h, container: false });
      },
    };
  };

  const measure = (state: ChartState): Sized => {
    const children = childrenOf(state.id);
    if (children.length === 0) return measureAtomic(state);
    const inner = state.type === 'parallel' ? stackRegions(children) : layered(state.id, children, 'LR');
    const w = inner.w + PAD * 2;
    const h = inner.h + PAD + TITLE_H;
    return {
      w,
      h,
      place: (x, y) => {
        boxes.set(state.id, { id: state.id, state, x, y, w, h, container: true });
        inner.place(x + PAD, y + TITLE_H);
      },
    };
  };

  const stackRegions = (regions: ChartState[]): Sized => {
    const sized = regions.map(measure);
    const w = Math.max(...sized.map((s) => s.w));
    const h = sized.reduce((sum, s) => sum + s.h, 0) + GAP_SIBLING * (sized.length - 1);
    return {
      w,
      h,
      place: (x, y) => {
        let top = y;
        sized.forEach((s) => {
          s.place(x, top);
          top += s.h + GAP_SIBLING;
        });
      },
    };
  };

  /** Ranks and places the children of one compound state (or of the root). */
  const layered = (parent: string | null, children: ChartState[], direction: Direction): Sized => {
    directionOf.set(parent, direction);
    const ids = children.map((c) => c.id);
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const t of graph.transitions) {
      if (!t.target) continue;
      const from = liftTo(parent, t.source);
      const to = liftTo(parent, t.target);
      if (from && to && from !== to && !out.get(from)!.includes(to)) out.get(from)!.push(to);
    }
    // Depth-first from the initial child: an edge back to a state on the walk closes a cycle.
    const back = new Set<string>();
    const state = new Map<string, 'open' | 'done'>();
    const walk = (id: string) => {
      state.set(id, 'open');
      for (const next of out.get(id) ?? []) {
        if (state.get(next) === 'open') back.add(`${id}>${next}`);
        else if (!state.has(next)) walk(next);
      }
      state.set(id, 'done');
    };
    const initial = children.find((c) => c.initial);
    if (initial) walk(initial.id);
    for (const id of ids) if (!state.has(id)) walk(id);
    // Longest path over the remaining (acyclic) edges.
    const rank = new Map(ids.map((id) => [id, 0]));
    for (let pass = 0; pass < ids.length; pass++) {
      for (const [from, targets] of out) {
        for (const to of targets) {
          if (!back.has(`${from}>${to}`)) rank.set(to, Math.max(rank.get(to)!, rank.get(from)! + 1));
        }
      }
    }
    for (const [id, r] of rank) ranks.set(id, r);

    const sized = new Map(children.map((c) => [c.id, measure(c)]));
    const layers: string[][] = [];
    for (const id of ids) {
      const r = rank.get(id)!;
      layers[r] = [...(layers[r] ?? []), id];
    }
    // States that a long edge reaches around the left side go left, so that edge crosses nothing.
    const pull = new Map(ids.map((id) => [id, 0]));
    for (const [from, targets] of out) {
      for (const to of targets) {
        const delta = rank.get(to)! - rank.get(from)!;
        if (delta > 1) pull.set(to, pull.get(to)! - 0.3);
      }
    }
    orderLayers(layers.filter(Boolean), out, pull);
    const dense = layers.filter(Boolean);
    const along = (s: Sized) => (direction === 'TB' ? s.h : s.w);
    const across = (s: Sized) => (direction === 'TB' ? s.w : s.h);
    const layerDepth = dense.map((layer) => Math.max(...layer.map((id) => along(sized.get(id)!))));
    const layerSpan = dense.map(
      (layer) =>
        layer.reduce((sum, id) => sum + across(sized.get(id)!), 0) + GAP_SIBLING * (layer.length - 1),
    );
    const span = Math.max(...layerSpan);
    const depth = layerDepth.reduce((sum, d) => sum + d, 0) + GAP_RANK[direction] * (dense.length - 1);
    // Room for the initial-state dot before the first layer.
    const lead = initial ? 26 : 0;
    const w = direction === 'TB' ? span : depth + lead;
    const h = direction === 'TB' ? depth + lead : span;
    return {
      w,
      h,
      place: (x, y) => {
        let offset = lead;
        dense.forEach((layer, index) => {
          let cross = (span - layerSpan[index]!) / 2;
          for (const id of layer) {
            const s = sized.get(id)!;
            const inset = (layerDepth[index]! - along(s)) / 2;
            if (direction === 'TB') s.place(x + cross, y + offset + inset);
            else s.place(x + offset + inset, y + cross);
            cross += across(s) + GAP_SIBLING;
          }
          offset += layerDepth[index]! + GAP_RANK[direction];
        });
        if (initial) {
          const box = boxes.get(initial.id)!;
          initials.push(
            direction === 'TB'
              ? { x1: box.x + box.w / 2, y1: box.y - 24, x2: box.x + box.w / 2, y2: box.y }
              : { x1: box.x - 24, y1: box.y + box.h / 2, x2: box.x, y2: box.y + box.h / 2 },
          );
        }
      },
    };
  };

  const root = layered(null, childrenOf(null), 'TB');
  root.place(MARGIN, MARGIN / 2);

  const edges = routeEdges(graph, boxes, (source, target) => {
    // Only siblings get a rank-aware route; others connect straight.
    const a = byId.get(source);
    const b = byId.get(target);
    if (!a || !b || a.parent !== b.parent) return null;
    const from = ranks.get(source)!;
    const to = ranks.get(target)!;
    // A route around the side must clear every sibling of the ranks it passes.
    const passed = graph.states
      .filter(
        (s) =>
          s.parent === a.parent &&
          ranks.get(s.id)! >= Math.min(from, to) &&
          ranks.get(s.id)! <= Math.max(from, to),
      )
      .map((s) => boxes.get(s.id)!)
      .filter(Boolean);
    return { delta: to - from, direction: directionOf.get(a.parent) ?? 'TB', passed };
  });

  let maxX = 0;
  let maxY = 0;
  for (const box of boxes.values()) {
    maxX = Math.max(maxX, box.x + box.w);
    maxY = Math.max(maxY, box.y + box.h);
  }
  return { width: maxX + MARGIN, height: maxY + MARGIN / 2, boxes: [...boxes.values()], edges, initials };
}

/**
 * One sweep of the barycenter heuristic: each layer is ordered by where its neighbours sit in
 * the layers already placed, which removes most crossings on a chart this size.
 */
function orderLayers(layers: string[][], out: Map<string, string[]>, pull: Map<string, number>): void {
  const position = new Map<string, number>();
  const neighbours = (id: string) => [
    ...(out.get(id) ?? []),
    ...[...out].filter(([, targets]) => targets.includes(id)).map(([source]) => source),
  ];
  layers.forEach((layer, index) => {
    const place = (id: string, at: number) => position.set(id, (at + 0.5) / layer.length);
    if (index > 0) {
      const weight = new Map(
        layer.map((id, at) => {
          const known = neighbours(id).filter((n) => position.has(n) && !layer.includes(n));
          const mean = known.length
            ? known.reduce((sum, n) => sum + position.get(n)!, 0) / known.length
            : (at + 0.5) / layer.length;
          return [id, mean + (pull.get(id) ?? 0)];
        }),
      );
      layer.sort((a, b) => weight.get(a)! - weight.get(b)!);
    }
    layer.forEach(place);
  });
}

interface Point {
  x: number;
  y: number;
}

function routeEdges(
  graph: ChartGraph,
  boxes: Map<string, Box>,
  siblingRank: (
    source: string,
    target: string,
  ) => { delta: number; direction: Direction; passed: Box[] } | null,
): Edge[] {
  const grouped = new Map<string, Edge>();
  for (const t of graph.transitions) {
    if (!t.target) continue;
    const key = `${t.source}>${t.target}`;
    const existing = grouped.get(key);
    if (existing) {
      existing.events.push(t.event);
      existing.guards.push(t.guard);
      continue;
    }
    grouped.set(key, {
      source: t.source,
      target: t.target,
      events: [t.event],
      guards: [t.guard],
      d: '',
      labelX: 0,
      labelY: 0,
    });
  }
  // Side routes that share a side are spread apart so they do not draw over each other.
  const sideCount = new Map<string, number>();
  for (const edge of grouped.values()) {
    const a = boxes.get(edge.source);
    const b = boxes.get(edge.target);
    if (!a || !b) continue;
    const sibling = siblingRank(edge.source, edge.target);
    if (sibling && (sibling.delta > 1 || sibling.delta < -1)) {
      // Skipping ranks: around the side, forward on the left (above), backward on the right (below).
      const kind = sibling.delta > 1 ? 'long' : 'back';
      const slot = `${kind}:${a.state?.parent ?? ''}`;
      const n = sideCount.get(slot) ?? 0;
      sideCount.set(slot, n + 1);
      sideRoute(edge, a, b, sibling.direction, kind === 'back' ? 1 : -1, 30 + n * 18, sibling.passed);
    } else {
      // Neighbours that answer each other get two parallel curves instead of one on top of the other.
      const answered = grouped.has(`${edge.target}>${edge.source}`);
      const offset = answered ? (sibling && sibling.delta < 0 ? 9 : -9) : 0;
      directRoute(edge, a, b, offset);
    }
  }
  const edges = [...grouped.values()];
  separateLabels(edges);
  return edges;
}

/** Moves labels that would overprint an earlier one down, a line at a time. */
function separateLabels(edges: Edge[]): void {
  const placed: { x1: number; x2: number; y1: number; y2: number }[] = [];
  for (const edge of edges) {
    const half = (edge.events.join(' / ').length * 5.6) / 2;
    for (let tries = 0; tries < 6; tries++) {
      const box = {
        x1: edge.labelX - half,
        x2: edge.labelX + half,
        y1: edge.labelY - 10,
        y2: edge.labelY + 3,
      };
      const clash = placed.some((p) => box.x1 < p.x2 && p.x1 < box.x2 && box.y1 < p.y2 && p.y1 < box.y2);
      if (!clash) {
        placed.push(box);
        break;
      }
      edge.labelY += 13;
    }
  }
}

const center = (box: Box): Point => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 });

/** Around the side: back edges on the right (or below), long forward edges on the left (or above). */
function sideRoute(
  edge: Edge,
  a: Box,
  b: Box,
  direction: Direction,
  side: 1 | -1,
  bulge: number,
  passed: Box[],
): void {
  if (direction === 'TB') {
    const edgeX = (box: Box) => (side === 1 ? box.x + box.w : box.x);
    const start = { x: edgeX(a), y: a.y + a.h / 2 + (side === 1 ? -6 : 6) };
    const end = { x: edgeX(b), y: b.y + b.h / 2 + (side === 1 ? 6 : -6) };
    const xs = passed.map(edgeX);
    const out = controlFor(side === 1 ? Math.max(...xs) + bulge : Math.min(...xs) - bulge, start.x, end.x);
    // A neighbour on that side would be crossed: leave from the top instead and climb over it.
    const blocked = passed.some(
      (box) => box !== a && box.y < a.y + a.h && a.y < box.y + box.h && (box.x - a.x) * side > 0,
    );
    if (blocked) {
      // Up into the gap above the row, along it to the side, then up the side: square, rounded corners.
      const x = side === 1 ? Math.max(...xs) + bulge : Math.min(...xs) - bulge;
      const from = { x: side === 1 ? a.x + a.w - 14 : a.x + 14, y: a.y };
      const lane = a.y - 22;
      const r = 10 * side;
      edge.d =
        `M${from.x},${from.y} L${from.x},${lane + 10} Q${from.x},${lane} ${from.x + r},${lane} ` +
        `L${x - r},${lane} Q${x},${lane} ${x},${lane - 10} L${x},${end.y + 10} Q${x},${end.y} ${x - r},${end.y} L${end.x},${end.y}`;
      edge.labelX = x;
      edge.labelY = (lane + end.y) / 2;
      return;
    }
    edge.d = `M${start.x},${start.y} C${out},${start.y} ${out},${end.y} ${end.x},${end.y}`;
    edge.labelX = 0.125 * start.x + 0.75 * out + 0.125 * end.x;
    edge.labelY = (start.y + end.y) / 2;
  } else {
    const edgeY = (box: Box) => (side === 1 ? box.y + box.h : box.y);
    const start = { x: a.x + a.w / 2 + (side === 1 ? -6 : 6), y: edgeY(a) };
    const end = { x: b.x + b.w / 2 + (side === 1 ? 6 : -6), y: edgeY(b) };
    const ys = passed.map(edgeY);
    const out = controlFor(side === 1 ? Math.max(...ys) + bulge : Math.min(...ys) - bulge, start.y, end.y);
    edge.d = `M${start.x},${start.y} C${start.x},${out} ${end.x},${out} ${end.x},${end.y}`;
    edge.labelX = (start.x + end.x) / 2;
    edge.labelY = 0.125 * start.y + 0.75 * out + 0.125 * end.y;
  }
}

/**
 * The control coordinate that makes a cubic with both controls at it reach `extreme` at its
 * middle: there the curve is at 1/8 start + 3/4 control + 1/8 end.
 */
const controlFor = (extreme: number, start: number, end: number): number =>
  (extreme - 0.125 * (start + end)) / 0.75;

/** From the side of `a` that faces `b` to the side of `b` that faces `a`. */
function directRoute(edge: Edge, a: Box, b: Box, offset: number): void {
  const ca = center(a);
  const cb = center(b);
  const apartVertically = b.y >= a.y + a.h || a.y >= b.y + b.h;
  const apartHorizontally = b.x >= a.x + a.w || a.x >= b.x + b.w;
  let start: Point;
  let end: Point;
  let vertical: boolean;
  if (apartVertically && (!apartHorizontally || Math.abs(cb.y - ca.y) >= Math.abs(cb.x - ca.x) / 2)) {
    vertical = true;
    const down = cb.y > ca.y;
    // Aim at the part of each box that faces the other, so fan-outs do not start from one point.
    const sx = clamp(cb.x, a.x + 12, a.x + a.w - 12) + offset;
    const ex = clamp(ca.x, b.x + 12, b.x + b.w - 12) + offset;
    start = { x: sx, y: down ? a.y + a.h : a.y };
    end = { x: ex, y: down ? b.y : b.y + b.h };
  } else {
    vertical = false;
    const right = cb.x > ca.x;
    const sy = clamp(cb.y, a.y + 10, a.y + a.h - 10) + offset;
    const ey = clamp(ca.y, b.y + 10, b.y + b.h - 10) + offset;
    start = { x: right ? a.x + a.w : a.x, y: sy };
    end = { x: right ? b.x : b.x + b.w, y: ey };
  }
  const my = (start.y + end.y) / 2;
  const mx = (start.x + end.x) / 2;
  edge.d = vertical
    ? `M${start.x},${start.y} C${start.x},${my} ${end.x},${my} ${end.x},${end.y}`
    : `M${start.x},${start.y} C${mx},${start.y} ${mx},${end.y} ${end.x},${end.y}`;
  // A label of one of two parallel curves moves out to its own side, clear of the other's.
  const halfText = (edge.events.join(' / ').length * 5.6) / 2 + 4;
  edge.labelX = vertical && offset !== 0 ? mx + Math.sign(offset) * halfText : mx;
  edge.labelY = !vertical && offset !== 0 ? my + Math.sign(offset) * 9 : my;
}

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

/**
 * The chart states a pair is in, from what the API shows: its status names a state (the
 * shallowest of that name: the top level's Changing Recovery Point, not the test's), and when
 * that state sits in a region of a parallel state, the test state names one in the others.
 */
export function currentStates(graph: ChartGraph, status: string, testState: string): string[] {
  const depth = (s: ChartState) => s.id.split('.').length;
  const candidates = graph.states.filter(
    (s) => s.key === status && (s.type === 'atomic' || s.type === 'final'),
  );
  const main = candidates.sort((a, b) => depth(a) - depth(b))[0];
  if (!main) return [];
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const ancestors = (s: ChartState): ChartState[] => {
    const list: ChartState[] = [];
    let parent = s.parent ? byId.get(s.parent) : undefined;
    while (parent) {
      list.push(parent);
      parent = parent.parent ? byId.get(parent.parent) : undefined;
    }
    return list;
  };
  const result = [main.id];
  const parallel = ancestors(main).find((s) => s.type === 'parallel');
  if (parallel) {
    const ownRegion = ancestors(main).find((s) => s.parent === parallel.id);
    const other = graph.states.find(
      (s) =>
        s.key === testState &&
        s.id.startsWith(`${parallel.id}.`) &&
        !(ownRegion && s.id.startsWith(`${ownRegion.id}.`)) &&
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
