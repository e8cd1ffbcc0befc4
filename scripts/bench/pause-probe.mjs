// Preloaded into a server (`node --import`): records GC pauses (`gc` performance entries) and
// event-loop delay (`monitorEventLoopDelay`, 1 ms resolution) between two SIGUSR2s, and on the
// second writes them as JSON to $PAUSE_OUT-N.json: what makes a served page's latency tail.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const KINDS = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weakcb' };
let gcs = null;
let delay = null;
let n = 0;
let t0 = 0;
new PerformanceObserver((list) => {
  if (!gcs) return;
  for (const e of list.getEntries())
    gcs.push([KINDS[e.detail?.kind] ?? String(e.detail?.kind), e.duration, e.startTime - t0]);
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => {
  if (!gcs) {
    gcs = [];
    t0 = performance.now();
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    return;
  }
  delay.disable();
  const ms = (ns) => ns / 1e6;
  const out = {
    wallMs: performance.now() - t0,
    gcs,
    delay: {
      count: delay.count,
      mean: ms(delay.mean),
      p50: ms(delay.percentile(50)),
      p90: ms(delay.percentile(90)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
    },
  };
  writeFileSync(`${process.env.PAUSE_OUT}-${++n}.json`, JSON.stringify(out));
  gcs = null;
});
