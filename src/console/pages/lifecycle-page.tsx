/**
 * "Lifecycle": the statechart every DR pair follows, drawn from the machine's definition,
 * with the state of a chosen pair of the tenant highlighted.
 */
import { type ChartGraph, type ChartState, chartGraph, STATUS_LABELS } from '../../machine/index.js';
import type { DrPair } from '../../sim/types.js';
import type { ConsoleApi } from '../api.js';
import { type ChartLayout, currentStates, layoutChart } from '../chart-layout.js';
import { ACTION_LABELS } from '../components/pair-actions.js';
import { Statechart, TransitionList } from '../components/statechart.js';
import { StatusBadge, TestBadge } from '../components/ui.js';

export interface LifecyclePageData {
  pairs: DrPair[];
  chosen: DrPair | null;
  layout: ChartLayout;
}

export async function loadLifecyclePage(
  api: ConsoleApi,
  pairId: string | undefined,
): Promise<LifecyclePageData> {
  const [pairs, layout] = await Promise.all([
    api.all<DrPair>('/v1/dr-pairs'),
    layoutChart(chartGraph(), ACTION_LABELS),
  ]);
  return { pairs, chosen: pairs.find((pair) => pair.id === pairId) ?? pairs[0] ?? null, layout };
}

export function LifecyclePage(props: { data: LifecyclePageData }) {
  const { pairs, chosen, layout } = props.data;
  const graph = chartGraph();
  const current = chosen ? currentStates(graph, chosen.status, chosen.testFailover?.state ?? 'NONE') : [];
  return (
    <>
      <div class="page-head">
        <h1>DR pair lifecycle</h1>
      </div>
      <form class="inline-form" method="get" action="/console/lifecycle">
        <label for="lifecycle-pair">DR pair</label>
        <select id="lifecycle-pair" name="pair">
          {pairs.map((pair) => (
            <option value={pair.id} selected={pair.id === chosen?.id}>
              {`${pair.id} — ${pair.name} (${pair.statusLabel})`}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {chosen ? (
        <p class="status-line">
          <a class="mono" href={`/console/pairs/${encodeURIComponent(chosen.id)}`}>
            {chosen.id}
          </a>{' '}
          <StatusBadge pair={chosen} /> {chosen.testFailover ? <TestBadge pair={chosen} /> : null}{' '}
          <span class="quiet">
            allowed now:{' '}
            {chosen.allowedActions.length > 0
              ? chosen.allowedActions.map((action) => ACTION_LABELS[action]).join(', ')
              : 'nothing'}
          </span>
        </p>
      ) : (
        <p class="quiet">The tenant has no DR pair; the chart is shown without a highlight.</p>
      )}
      <Statechart graph={graph} layout={layout} current={current} />
      <section class="section" aria-labelledby="statuses-title">
        <h2 id="statuses-title">Statuses</h2>
        <dl class="facts facts-wide">
          {statusStates(graph).map((state) => (
            <>
              <dt>
                {state.label} <span class="mono quiet">{state.key}</span>
              </dt>
              <dd>{state.description ?? ''}</dd>
            </>
          ))}
        </dl>
      </section>
      <section class="section" aria-labelledby="transitions-title">
        <h2 id="transitions-title">Transitions</h2>
        <TransitionList graph={graph} current={current} />
      </section>
    </>
  );
}

/** One state per pair status, the shallowest of its name (the test region reuses a name). */
function statusStates(graph: ChartGraph): ChartState[] {
  const depth = (state: ChartState) => state.id.split('.').length;
  const seen = new Set<string>();
  return [...graph.states]
    .filter((state) => state.label && state.key in STATUS_LABELS)
    .sort((a, b) => depth(a) - depth(b))
    .filter((state) => !seen.has(state.key) && seen.add(state.key))
    .sort((a, b) => graph.states.indexOf(a) - graph.states.indexOf(b));
}
