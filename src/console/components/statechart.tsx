/**
 * The DR pair statechart drawn as SVG from the machine's own definition, laid out by elkjs
 * (chart-layout.ts): the states a pair is in highlighted, the arrows it can take from there
 * emphasised, each arrow labelled with the button a person clicks (solid) or what happens by
 * itself (dashed). The chart keeps its size (13 px text) and scrolls, with zoom buttons; below
 * it, the same transitions as a list by state, which is what a phone shows first.
 */
import type { ChartGraph } from '../../machine/index.js';
import { ancestorsOf, CHART_FONT_PX, type ChartLayout, describeEvent } from '../chart-layout.js';
import { ACTION_LABELS } from './pair-actions.js';
import { TableWrap } from './ui.js';

export interface StatechartProps {
  graph: ChartGraph;
  layout: ChartLayout;
  /** Chart state ids the chosen pair is in (atomic states). */
  current: string[];
}

export function Statechart(props: StatechartProps) {
  const { layout } = props;
  const current = new Set(props.current);
  const containing = new Set(ancestorsOf(props.graph, props.current));
  const active = new Set([...current, ...containing]);
  const title = props.current.length > 0 ? `Current state: ${props.current.join(' and ')}` : 'No pair chosen';
  return (
    <figure class="chart-figure" aria-labelledby="chart-caption">
      <fieldset class="chart-tools">
        <legend class="visually-hidden">Chart zoom</legend>
        <button type="button" class="secondary small" data-zoom="out" aria-controls="chart-scroll">
          Zoom out
        </button>
        <button type="button" class="secondary small" data-zoom="reset" aria-controls="chart-scroll">
          100 %
        </button>
        <button type="button" class="secondary small" data-zoom="in" aria-controls="chart-scroll">
          Zoom in
        </button>
      </fieldset>
      <section class="chart-scroll" id="chart-scroll" tabindex={0} aria-label="Lifecycle chart, scrollable">
        <svg
          class="chart"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          data-natural-width={layout.width}
          style={`--chart-font: ${CHART_FONT_PX}px`}
          role="img"
          aria-labelledby="chart-title"
          xmlns="http://www.w3.org/2000/svg"
        >
          <title id="chart-title">{`The DR pair lifecycle. ${title}.`}</title>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
            </marker>
            <marker
              id="arrow-active"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head-active" />
            </marker>
          </defs>
          {layout.boxes
            .filter((box) => box.container)
            .map((box) => (
              <g class={containing.has(box.id) ? 'chart-frame chart-frame-active' : 'chart-frame'}>
                <rect x={box.x} y={box.y} width={box.w} height={box.h} rx={10} />
                <text x={box.x + 12} y={box.y + 21} class="chart-frame-title">
                  {frameTitle(box.state.key, box.state.type)}
                </text>
              </g>
            ))}
          {layout.initials.map((mark) => (
            <g class="chart-initial">
              <circle cx={mark.x} cy={mark.y} r={5} />
              <path d={mark.d} marker-end="url(#arrow)" />
            </g>
          ))}
          {layout.edges.map((edge) => {
            const available = active.has(edge.source);
            const classes = ['chart-edge', edge.byPerson ? 'chart-edge-person' : 'chart-edge-auto'];
            if (available) classes.push('chart-edge-active');
            return (
              <g class={classes.join(' ')}>
                <path d={edge.d} marker-end={available ? 'url(#arrow-active)' : 'url(#arrow)'} />
                {edge.labels.map((label) => (
                  <>
                    <rect
                      x={label.x}
                      y={label.y}
                      width={label.w}
                      height={label.h}
                      rx={3}
                      class="chart-label-bg"
                    />
                    <text x={label.x + 4} y={label.y + label.h - 5} class="chart-edge-label">
                      {label.text}
                    </text>
                  </>
                ))}
              </g>
            );
          })}
          {layout.boxes
            .filter((box) => !box.container)
            .map((box) => (
              <g
                class={current.has(box.id) ? 'chart-state chart-state-current' : 'chart-state'}
                data-state={box.id}
                aria-current={current.has(box.id) ? 'true' : undefined}
              >
                <rect x={box.x} y={box.y} width={box.w} height={box.h} rx={8} />
                {box.state.type === 'final' ? (
                  <rect
                    x={box.x + 3}
                    y={box.y + 3}
                    width={box.w - 6}
                    height={box.h - 6}
                    rx={6}
                    class="chart-final"
                  />
                ) : null}
                <text
                  x={box.x + box.w / 2}
                  y={box.y + box.h / 2 + 5}
                  text-anchor="middle"
                  class="chart-label"
                >
                  {box.state.label ?? box.state.key}
                </text>
              </g>
            ))}
        </svg>
      </section>
      <figcaption class="quiet" id="chart-caption">
        The DR pair lifecycle, laid out by elkjs from the statechart the simulator runs (
        <code>src/machine/dr-pair-machine.ts</code>). Solid arrows: an action you click; dashed: what happens
        by itself.{' '}
        {props.current.length > 0 ? 'Highlighted: the chosen pair and the arrows it can take.' : ''}
      </figcaption>
    </figure>
  );
}

function frameTitle(key: string, type: string): string {
  if (type === 'parallel') return 'Protected: replication and test failover side by side';
  if (key === 'replication') return 'Replication';
  if (key === 'test') return 'Test failover';
  return key;
}

/** Transitions by state, in words: the phone's view of the chart, and its text alternative. */
export function TransitionList(props: { graph: ChartGraph; current: string[] }) {
  const containing = new Set([...props.current, ...ancestorsOf(props.graph, props.current)]);
  const byId = new Map(props.graph.states.map((state) => [state.id, state]));
  const name = (id: string) => {
    const state = byId.get(id);
    return state?.label ?? frameTitle(state?.key ?? id, state?.type ?? '');
  };
  const sources = [...new Set(props.graph.transitions.filter((t) => t.target).map((t) => t.source))];
  return (
    <TableWrap label="Transitions by state">
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">What moves it</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {sources.flatMap((source) =>
            props.graph.transitions
              .filter((t) => t.source === source && t.target && t.target !== t.source)
              .map((t) => {
                const said = describeEvent(t.event, ACTION_LABELS);
                return (
                  <tr class={containing.has(source) ? 'row-active' : undefined}>
                    <td>{name(source)}</td>
                    <td>
                      {said.byPerson ? <strong>{said.text}</strong> : <em>{said.text}</em>}
                      {t.guard ? <span class="quiet"> (if {t.guard})</span> : null}
                    </td>
                    <td>{name(t.target ?? '')}</td>
                  </tr>
                );
              }),
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}
