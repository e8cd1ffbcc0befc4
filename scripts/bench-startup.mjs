// `npm run bench:startup`: spawn → first 2xx of `drsim serve` (the built CLI, bin/drsim.js)
// beside its floor in the same run, bare Hono on @hono/node-server (bench-floor-startup.mjs),
// and drsim's resident memory just after that first answer. Goals of issue #14: startup
// ≤ 1.3× the floor, idle RSS ≤ 70 MB. Not part of `npm test`. `--runs N` (default 5).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function startOnce(argv, path, port) {
  const started = performance.now();
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      await response.arrayBuffer();
      if (response.status < 300) break;
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  const ms = performance.now() - started;
  await sleep(500);
  const rss = rssMb(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { ms, rss };
}

async function measure(argvOf, path) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const port = 42000 + Math.floor(Math.random() * 20000);
    runs.push(await startOnce(argvOf(port), path, port));
  }
  return { ms: median(runs.map((r) => r.ms)), rss: median(runs.map((r) => r.rss)) };
}

const floor = await measure((port) => ['scripts/bench-floor-startup.mjs', String(port)], '/health');
const drsim = await measure(
  (port) => ['bin/drsim.js', 'serve', '--port', String(port), '--db', ':memory:', '--log-level', 'error'],
  '/_sim/health',
);
const ratio = drsim.ms / floor.ms;
const row = (cells) => `| ${cells.join(' | ')} |`;
console.log(row(['goal', 'drsim', 'floor (same run)', 'ratio', 'target', 'verdict']));
console.log(row(['---', '---:', '---:', '---:', '---', '---']));
console.log(
  row([
    'startup, spawn → first 2xx (median of ' + RUNS + ')',
    `${drsim.ms.toFixed(0)} ms`,
    `${floor.ms.toFixed(0)} ms (bare Hono)`,
    `${ratio.toFixed(2)}×`,
    '≤ 1.3×',
    ratio <= 1.3 ? 'met' : 'missed',
  ]),
);
console.log(
  row([
    'idle RSS 0.5 s after first 2xx',
    `${drsim.rss.toFixed(0)} MB`,
    `${floor.rss.toFixed(0)} MB (bare Hono)`,
    `${(drsim.rss / floor.rss).toFixed(2)}×`,
    '≤ 70 MB',
    drsim.rss <= 70 ? 'met' : 'missed',
  ]),
);
