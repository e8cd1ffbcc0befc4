/**
 * drsim as a user meets it: from another project. The tarball `npm pack` makes is installed
 * once into a fresh temporary project, which then uses it the documented ways — plain Node
 * imports, the `drsim` command, a strict TypeScript check, the example suite — with nothing
 * from this repository on its module path.
 *
 * The one shortcut: installing compiles better-sqlite3's addon (a minute). When the project
 * resolves the same better-sqlite3 version this repository compiled, for the same Node, the
 * addon is copied instead; any other version is built for real (`npm rebuild`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/package/consumer');
const SCENARIO = 'scenarios/failover/latest-and-commit.scenario.yaml';
const FLOW = 'scenarios/flows/failover-with-retry.flow.yaml';
const SQLITE_ADDON = 'build/Release/better_sqlite3.node';

// The nested npm, node and vitest must not think they run inside this test run; plain output.
const ENV = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'FORCE_COLOR'),
  ),
  NO_COLOR: '1',
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function ok(command: string, args: string[], cwd: string): Promise<Result> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

const versionOf = (dir: string): string =>
  (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let project: string;
let packedFiles: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'drsim-consumer-'));
  project = join(work, 'project');
  // test/build-once.ts has built the JavaScript from the current sources; the types too, then
  // pack exactly that (without npm's prepare, which would rebuild under the running tests).
  await ok(process.execPath, ['scripts/build.mjs', '--types', '--if-stale'], ROOT);
  const packed = await ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack said: ${packed.stdout}`);
  packedFiles = info.files.map((file) => file.path);

  mkdirSync(join(project, 'test'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['typed.ts'],
    }),
  );
  for (const file of ['lifecycle.mjs', 'typed.ts']) copyFileSync(join(FIXTURES, file), join(project, file));
  cpSync(join(ROOT, 'examples/vitest-client-suite'), join(project, 'test'), { recursive: true });
  for (const file of [SCENARIO, FLOW]) cpSync(join(ROOT, file), join(project, file));

  // One install: the tarball, and the test runner and compiler a project like this has anyway
  // (the versions this repository uses, so npm's cache usually has them).
  const dev = ['vitest', 'typescript', '@types/node'].map(
    (name) => `${name}@${versionOf(join(ROOT, 'node_modules', name))}`,
  );
  await ok(
    'npm',
    [
      'install',
      join(work, info.filename),
      ...dev,
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    project,
  );
  const ours = join(ROOT, 'node_modules/better-sqlite3');
  const theirs = join(project, 'node_modules/better-sqlite3');
  if (versionOf(ours) === versionOf(theirs) && existsSync(join(ours, SQLITE_ADDON))) {
    mkdirSync(dirname(join(theirs, SQLITE_ADDON)), { recursive: true });
    copyFileSync(join(ours, SQLITE_ADDON), join(theirs, SQLITE_ADDON));
  } else {
    await ok('npm', ['rebuild', 'better-sqlite3', '--loglevel=error'], project);
  }
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the product: built code, types, schema, docs; no tests or sources', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'bin/drsim.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/main.js',
        'schemas/scenario.schema.json',
      ]),
    );
    const strays = packedFiles.filter((path) =>
      /^(src|test|scripts|examples|scenarios|docs)\/|\.tsx?$/.test(path),
    );
    expect(strays.filter((path) => !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('points every export and the bin at built JavaScript with types beside it', () => {
    const root = join(project, 'node_modules/drsim');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
      bin: Record<string, string>;
    };
    const problems: string[] = [];
    const check = (what: string, target: string, ending: RegExp) => {
      if (!ending.test(target)) problems.push(`${what} → ${target} (expected ${ending})`);
      else if (!existsSync(join(root, target))) problems.push(`${what} → ${target} is not in the package`);
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') {
        check(subpath, target, /\.(js|json)$/);
        continue;
      }
      expect(Object.keys(target), subpath).toEqual(['types', 'import']);
      check(`${subpath} types`, target.types ?? '', /\.d\.ts$/);
      check(`${subpath} import`, target.import ?? '', /\.js$/);
    }
    for (const [name, target] of Object.entries(manifest.bin)) {
      check(`bin ${name}`, target, /\.js$/);
      expect(readFileSync(join(root, target), 'utf8')).not.toMatch(/tsx|\.ts['"]/);
    }
    expect(problems).toEqual([]);
  });
});

describe('a project that installed it', () => {
  it('imports drsim, drsim/client and drsim/testing in plain Node and runs the lifecycle', async () => {
    const { stdout } = await ok(process.execPath, ['lifecycle.mjs'], project);
    expect(stdout).toBe('in-process: COMMITTED\nhttp: COMMITTED at http://127.0.0.1:<port>\n');
  });

  it('type-checks strict TypeScript against it (nodenext, skipLibCheck false)', async () => {
    const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], project);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
    // tsc over every declaration file (skipLibCheck false) takes a minute on a busy 2-core machine.
  }, 300_000);

  it('runs the example suite with vitest and no configuration', async () => {
    const { stdout } = await ok(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], project);
    expect(stdout).toMatch(/Tests\s+2 passed/);
  });

  it('serves the API with `npx drsim serve --port 0`', async () => {
    const child = spawn('npx', ['--no', 'drsim', 'serve', '--port', '0'], {
      cwd: project,
      env: ENV,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await listeningUrl(child);
      const spec = await fetch(`${url}/openapi.json`);
      expect(spec.status).toBe(200);
      expect(((await spec.json()) as { openapi: string }).openapi).toMatch(/^3\./);
      // The console's assets come from the package too.
      const page = await (await fetch(`${url}/console`)).text();
      const asset = /\/console\/assets\/console\.css\?v=\w+/.exec(page)?.[0];
      expect(asset, page.slice(0, 300)).toBeDefined();
      expect((await fetch(`${url}${asset}`)).status).toBe(200);
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  it('runs a scenario with `npx drsim run`', async () => {
    const { stdout } = await ok('npx', ['--no', 'drsim', 'run', SCENARIO], project);
    expect(stdout).toMatch(/latest-and-commit/);
  });

  it('charts, lists paths, checks a flow and reports coverage with `drsim`', async () => {
    const bin = join(project, 'node_modules/.bin/drsim');
    expect((await ok(bin, ['--help'], project)).stdout).toMatch(/Usage: drsim <command>/);
    expect((await ok(bin, ['chart', '--format', 'mermaid'], project)).stdout).toMatch(/^stateDiagram-v2/);
    expect((await ok(bin, ['paths'], project)).stdout).toMatch(/COMMITTED/);
    await ok(bin, ['check-flow', FLOW], project);
    expect((await ok(bin, ['coverage', SCENARIO], project)).stdout).toMatch(/FAILED_OVER/);
  });
});

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(log)?.[1];
      if (url) done(url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`drsim serve exited ${code} before listening:\n${log}`)));
  });
}
