// Part "startup": spawn → first 2xx of `drsim serve` and of `startDrsim()`, beside bare Hono
// started the same way in the same run; drsim's idle RSS after startup; one scenario through
// the CLI, spawn → exit. Samples are interleaved (floor, drsim, floor, …) so load drifts on the
// shared machine hit both alike; the figure is the median.
import {
  emit,
  freePort,
  HOST,
  log,
  median,
  quick,
  rssMb,
  sleep,
  spawnNode,
  stopChild,
  waitFor2xx,
} from './lib.mjs';

const RUNS = quick ? 3 : 7;
const IDLE_SETTLE_MS = 1_000;
const SCENARIO = 'scenarios/attach/attach-and-detach.scenario.yaml';

/** Spawn → first 2xx; then, if asked, RSS after the process has settled. */
async function startOnce(kind, { idle = false } = {}) {
  const port = await freePort();
  const started = performance.now();
  let child;
  let url;
  if (kind === 'floor') {
    child = spawnNode(['scripts/bench/floors/hono-startup.mjs', String(port)]);
    url = `http://${HOST}:${port}/health`;
  } else if (kind === 'serve') {
    child = spawnNode([
      'bin/drsim.js',
      'serve',
      '--port',
      String(port),
      '--db',
      ':memory:',
      '--log-level',
      'error',
    ]);
    url = `http://${HOST}:${port}/_sim/health`;
  } else {
    child = spawnNode(['scripts/bench/floors/start-drsim.mjs'], { stdout: 'pipe' });
    const base = await new Promise((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.split('\n')[0].trim());
      });
      child.once('exit', (code) => reject(new Error(`startDrsim child exited with ${code}`)));
    });
    url = `${base}/_sim/health`;
  }
  try {
    await waitFor2xx(url, child);
    const ms = performance.now() - started;
    let rss = null;
    if (idle) {
      await sleep(IDLE_SETTLE_MS);
      rss = rssMb(child.pid);
    }
    return { ms, rss };
  } finally {
    await stopChild(child);
  }
}

async function spawnToExit(args) {
  const started = performance.now();
  const child = spawnNode(args);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return performance.now() - started;
}

const samples = { floor: [], serve: [], startDrsim: [], cli: [], node: [] };
for (let i = 0; i < RUNS; i++) {
  samples.floor.push(await startOnce('floor', { idle: true }));
  samples.serve.push(await startOnce('serve', { idle: true }));
  samples.startDrsim.push(await startOnce('startDrsim'));
  samples.node.push(await spawnToExit(['-e', '0']));
  samples.cli.push(await spawnToExit(['bin/drsim.js', 'run', SCENARIO]));
  log(`run ${i + 1}/${RUNS}`);
}
const ms = (list) => median(list.map((s) => s.ms));
const floorMs = ms(samples.floor);
const floorName = 'bare Hono on @hono/node-server';
const runsNote = (list) => `median of ${RUNS}: ${list.map((s) => Math.round(s.ms ?? s)).join(', ')} ms`;

for (const [key, goal] of [
  ['serve', 'startup: `drsim serve` spawn → first 2xx'],
  ['startDrsim', 'startup: `startDrsim()` spawn → first 2xx'],
]) {
  const figure = ms(samples[key]);
  emit({
    goal,
    figure,
    unit: 'ms',
    floor: floorMs,
    floorName,
    target: '≤ 1.3× floor',
    met: figure / floorMs <= 1.3,
    note: `${runsNote(samples[key])}; floor ${runsNote(samples.floor)}`,
  });
}

const idle = median(samples.serve.map((s) => s.rss));
emit({
  goal: `idle RSS ${IDLE_SETTLE_MS / 1000} s after first 2xx (\`drsim serve\`)`,
  figure: idle,
  unit: 'MB',
  floor: median(samples.floor.map((s) => s.rss)),
  floorName,
  target: '≤ 70 MB',
  met: idle <= 70,
});

const cli = median(samples.cli);
emit({
  goal: 'one scenario via the CLI, spawn → exit',
  figure: cli,
  unit: 'ms',
  floor: median(samples.node),
  floorName: '`node -e 0`',
  target: '≤ 500 ms',
  met: cli <= 500,
  note: `\`drsim run ${SCENARIO}\`, ${runsNote(samples.cli)}`,
});
