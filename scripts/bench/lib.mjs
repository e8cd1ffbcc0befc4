// Helpers shared by the bench parts (see README.md for the row format).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HOST = '127.0.0.1';
export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** Prints one result row on stdout (the runner's input); progress goes to stderr. */
export function emit(row) {
  const ratio = row.ratio ?? (row.floor && row.figure !== null ? row.figure / row.floor : null);
  const out = {
    goal: row.goal,
    figure: row.figure === null || row.figure === undefined ? null : round(row.figure),
    unit: row.unit,
    floor: row.floor === null || row.floor === undefined ? null : round(row.floor),
    ...(row.floorName ? { floorName: row.floorName } : {}),
    ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    target: row.target,
    met: Boolean(row.met),
    ...(row.note ? { note: row.note } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const round = (value) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10);

export const log = (line) => process.stderr.write(`${line}\n`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `node ARGS` from the repository root, in its own process group, stdout/stderr as asked. */
export function spawnNode(args, { stdout = 'ignore', env } = {}) {
  return spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', stdout, 'inherit'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
}

/** Polls URL every few ms until it answers 2xx; throws if the child exits or time runs out. */
export async function waitFor2xx(url, child, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status >= 200 && response.status < 300) return;
    } catch {
      // Not listening yet.
    }
    await sleep(3);
  }
  throw new Error(`${url} gave no 2xx within ${timeoutMs} ms`);
}

/**
 * The arguments of `node` for the built `drsim serve` on DB, quiet but for errors: BIN is the CLI
 * of another tree for an A/B, PORT a number or `{port}` for `spawnServer` to fill in.
 */
export function drsimServeArgs(db, { bin = 'bin/drsim.js', port = '{port}' } = {}) {
  return [bin, 'serve', '--port', String(port), '--db', db, '--log-level', 'error'];
}

/**
 * `node ARGS` from the repository root on a free port (`{port}` in ARGS), once HEALTH answers
 * 2xx: the process and its base URL.
 */
export async function spawnServer(args, health, timeoutMs) {
  const port = await freePort();
  const child = spawnNode(args.map((arg) => arg.replace('{port}', String(port))));
  const url = `http://${HOST}:${port}`;
  await waitFor2xx(`${url}${health}`, child, timeoutMs);
  return { child, url };
}

export async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function statusKb(pid, field) {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Resident memory now, in MB (Linux /proc). */
export const rssMb = (pid) => (statusKb(pid, 'VmRSS') ?? Number.NaN) / 1024;
/** Peak resident memory so far, in MB (VmHWM). */
export const peakRssMb = (pid) => (statusKb(pid, 'VmHWM') ?? Number.NaN) / 1024;

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; 10 ms resolution). */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}
