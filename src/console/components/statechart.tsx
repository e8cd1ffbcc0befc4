/**
 * The DR pair statechart drawn as SVG from the machine's own definition (`chartGraph()`),
 * with the states a pair is in highlighted and the transitions it can take from there
 * emphasised; the same transitions follow as a table, for reading and for screen readers.
 */
import type { ChartGraph } from '../../machine/index.js';
import { ancestorsOf, type ChartLayout, layoutChart } from '../chart-layout.js';
import { TableWrap } from './ui.js';

export interface StatechartProps {
  graph: ChartGraph;
  /** Chart state ids the chosen pair is in (atomic states). */
  current: string[];
}

export function Statechart(props: StatechartProps) {
  const layout: ChartLayout = layoutChart(props.graph);
  const current = new Set(props.current);
  const containing = new Set(ancestorsOf(props.graph, props.current));
  const active = new Set([...current, ...containing]);
  const title = props.current.length > 0 ? `Current state: ${props.current.join(' and ')}` : 'No pair chosen';
  return (
    <figure class="chart-figure">
      <div class="chart-scroll">
        <svg
          class="chart"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
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
                <text x={box.x + 10} y={box.y + 15} class="chart-frame-title">
                  {box.state?.key}
                  {box.state?.type === 'parallel' ? ' (parallel)' : ''}
                </text>
              </g>
            ))}
          {layout.initials.map((mark) => (
            <g class="chart-initial">
              <circle cx={mark.x1} cy={mark.y1} r={4} />
              <line x1={mark.x1} y1={mark.y1} x2={mark.x2} y2={mark.y2} marker-end="url(#arrow)" />
            </g>
          ))}
          {layout.edges.map((edge) => {
            const available = active.has(edge.source);
            return (
              <g class={available ? 'chart-edge chart-edge-active' : 'chart-edge'}>
                <title>
                  {edge.events
                    .map((event, i) => `${event}${edge.guards[i] ? ` [${edge.guards[i]}]` : ''}`)
                    .join(', ')}
                </title>
                <path d={edge.d} marker-end={available ? 'url(#arrow-active)' : 'url(#arrow)'} />
                <text x={edge.labelX} y={edge.labelY} class="chart-edge-label" text-anchor="middle">
                  {edge.events.join(' / ')}
                </text>
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
                {box.state?.type === 'final' ? (
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
                  y={box.y + (box.state?.label ? 18 : 19)}
                  text-anchor="middle"
                  class="chart-key"
                >
                  {box.state?.key}
                </text>
                {box.state?.label ? (
                  <text x={box.x + box.w / 2} y={box.y + 34} text-anchor="middle" class="chart-label">
                    {box.state.label}
                  </text>
                ) : null}
              </g>
            ))}
        </svg>
      </div>
      <figcaption class="quiet">
        Drawn from the statechart the simulator runs (<code>src/machine/dr-pair-machine.ts</code>).{' '}
        {props.current.length > 0
          ? 'Highlighted: the state of the chosen pair and the transitions it can take.'
          : ''}
      </figcaption>
    </figure>
  );
}

export function TransitionTable(props: StatechartProps) {
  const containing = new Set([...props.current, ...ancestorsOf(props.graph, props.current)]);
  const rows = props.graph.transitions.filter((t) => t.target);
  return (
    <TableWrap label="Transitions">
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Event</th>
            <th scope="col">Guard</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr class={containing.has(t.source) ? 'row-active' : undefined}>
              <td class="mono">{t.source}</td>
              <td class="mono">{t.event}</td>
              <td class="mono quiet">{t.guard ?? ''}</td>
              <td class="mono">{t.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
