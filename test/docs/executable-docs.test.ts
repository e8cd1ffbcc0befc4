/**
 * Executable docs: every shell block of README.md and docs/api.md runs as written, in order, in
 * one bash session per document (so variables set by one block serve the next, as in a reader's
 * shell), with `set -euo pipefail`, against `npm start`'s demo server and against a fresh
 * `drsim serve`. `DRSIM_URL` tells the blocks where the server listens. A failing block fails
 * the test with the block and everything it printed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS, type ShellBlock, shellBlocks } from './shell-blocks.js';



const blocks = DOCUMENTS.flatMap((file) => shellBlocks(file, readFileSync(file, 'utf8')));

// vitest.config.ts leaves this file out when a tool is missing outside CI; in CI it fails loudly.
const missingTools = ['bash', 'curl', 'jq'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function serve(args: string[]): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['bin/drsim.js', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`drsim ${args.join(' ')}: no listening line in: ${log}`)), 30_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`drsim ${args.join(' ')} exited (${code}): ${log}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** `npm start`'s command line, on a free port and a database of the test's own. */
function npmStartArgs(db: string): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const words = (pkg.scripts.start.split('&&').pop() ?? '').trim().split(/\s+/);
  expect(words.slice(0, 3)).toEqual(['node', 'bin/drsim.js', 'serve']);
  const args = words.slice(2);
  const dbAt = args.indexOf('--db');
  if (dbAt >= 0) args[dbAt + 1] = db;
  return [...args, '--port', '0'];
}

const MARK = '@@drsim-docs-block';

/** Runs a document's blocks in one bash; resolves with the failing block and its output, if any. */
function runBlocks(
  document: ShellBlock[],
  url: string,
): Promise<{ block: ShellBlock; status: number | null; output: string } | undefined> {
  let script = 'exec 2>&1\nset -euo pipefail\n';
  document.forEach((block, index) => {
    script += `printf '\\n${MARK} %d@@\\n' ${index}\n${block.code}`;
  });
  script += `printf '\\n${MARK} end@@\\n'\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, DRSIM_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (status === 0 && output.includes(`${MARK} end@@`)) return resolve(undefined);
      const marks = [...output.matchAll(new RegExp(`${MARK} (\\d+)@@\\n`, 'g'))];
      const last = marks.at(-1);
      const index = last ? Number(last[1]) : 0;
      const start = last ? (last.index ?? 0) + last[0].length : 0;
      const block = document[index];
      if (!block) return reject(new Error(`bash exited with ${status} before any block:\n${output}`));
      resolve({ block, status, output: output.slice(start) });
    });
  });
}

// The two servers are independent: both run at once.
describe.concurrent.each([
  ['npm start’s demo server', 'demo'],
  ['a fresh drsim serve', 'fresh'],
])('the docs’ shell blocks, run against %s', (_name, kind) => {
  let dir = '';
  let server: Server | undefined;

  beforeAll(async () => {
    if (missingTools.length > 0) throw new Error(`executable docs need ${missingTools.join(', ')} (CI installs them)`);
    dir = mkdtempSync(join(tmpdir(), 'drsim-docs-'));
    server = await serve(kind === 'demo' ? npmStartArgs(join(dir, 'demo.db')) : ['serve', '--port', '0']);
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // The documents touch different tenants, so they run side by side.
  it.concurrent.each(DOCUMENTS)('%s runs as written', async (file) => {
    const failure = await runBlocks(
      blocks.filter((block) => block.file === file && !block.notExecuted),
      server?.url ?? '',
    );
    if (failure) {
      const { block, status, output } = failure;
      throw new Error(
        `${block.file}:${block.line}: the block failed (exit status ${status}) against ${server?.url}\n` +
          `--- block ---\n${block.code}--- output ---\n${output}`,
      );
    }
  }, 120_000);
});
