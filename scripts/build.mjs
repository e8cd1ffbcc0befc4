// Builds what the package ships, into dist/: esbuild bundles each public entry point to ESM,
// sharing code through chunks so a class such as DrError is one class whichever entry it is
// imported from; tsc writes the .d.ts files beside them. Pure-JavaScript packages that are no
// part of drsim's API are bundled in (LIBRARY_EXTERNAL); the CLI (dist/cli/main.js and its
// chunks) has every such package inside: loading a few hundred module files of zod, hono and
// yaml was most of a start (docs/performance.md).
//
//   node scripts/build.mjs [--js | --types] [--if-stale]
//
// The JavaScript takes a second, the declarations most of a minute (a type check of src/), so
// they can be built apart: the test setup keeps `node bin/drsim.js` in step with src/ with
// `--js --if-stale`, and only the package check waits for the types. `--if-stale` skips a part
// whose output is newer than every input; a JavaScript build starts dist/ afresh.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMPS = { js: join(DIST, '.built-js'), types: join(DIST, '.built-types') };

/** The public entry points and the CLI: output path (under dist/, without .js) → source. */
export const ENTRIES = {
  index: 'src/index.ts',
  'client/index': 'src/client/index.ts',
  'testing/index': 'src/testing/index.ts',
  'cli/main': 'src/cli/main.ts',
};
const CLI_ENTRY = 'cli/main';

/**
 * Packages the CLI still loads from node_modules: a native addon, the console's chart layout
 * (imported on its first use, 1.4 MB) and packages whose files are read from disk, not imported.
 */
const CLI_EXTERNAL = ['better-sqlite3', 'elkjs', 'swagger-ui-dist', 'idiomorph', 'playwright-core'];

/**
 * Packages the library entry points import from the consumer's node_modules; the rest (zod,
 * hono, @hono/zod-openapi) is bundled into dist/chunks, where nothing of them is part of drsim's
 * API: loading zod's few hundred module files one by one was most of `startDrsim()`'s start.
 * xstate stays shared because `drsim` exports the statechart (a user runs it with their xstate);
 * @hono/node-server because it replaces the global Request and Response when it serves.
 */
const LIBRARY_EXTERNAL = [...CLI_EXTERNAL, 'xstate', '@hono/node-server'];

/** Bundled CommonJS packages require Node's built-ins. */
const REQUIRE_BANNER =
  "import { createRequire as __drsimCreateRequire } from 'node:module'; const require = __drsimCreateRequire(import.meta.url);";

/**
 * zod re-exports its ~40 translations of error messages (`z.locales`, ~300 KB) and defaults to
 * English; drsim's messages are English and it never switches. In the CLI bundle the
 * translations are left out, so `drsim serve` does not read and compile them at every start.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
    }));
  },
};

const INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isStale(part) {
  if (!existsSync(STAMPS[part])) return true;
  const built = statSync(STAMPS[part]).mtimeMs;
  return INPUTS.some((input) => existsSync(join(ROOT, input)) && newestMtime(join(ROOT, input)) > built);
}

async function buildJs() {
  rmSync(DIST, { recursive: true, force: true });
  const common = {
    absWorkingDir: ROOT,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    // Whitespace and syntax only: names stay, so a stack trace still names its functions. Less
    // source to read and pre-parse at every start (~20% of the CLI's time to its first answer).
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  };
  const library = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).filter(([name]) => name !== CLI_ENTRY)),
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    external: LIBRARY_EXTERNAL,
    plugins: [englishOnlyZod],
    banner: { js: REQUIRE_BANNER },
  });
  const cli = await build({
    ...common,
    entryPoints: { [CLI_ENTRY]: ENTRIES[CLI_ENTRY] },
    external: CLI_EXTERNAL,
    // Each command is its own chunk (and the console, loaded on its first request): `drsim serve`
    // compiles the server, not the scenario runner, yaml or the console's pages.
    splitting: true,
    chunkNames: 'cli/chunks/[name]-[hash]',
    plugins: [englishOnlyZod],
    banner: { js: REQUIRE_BANNER },
  });
  copyAssets(library.metafile);
  copyAssets(cli.metafile);
  dropUnusedRequire(library.metafile);
  dropUnusedRequire(cli.metafile);
  writeFileSync(STAMPS.js, `${new Date().toISOString()}\n`);
}

/**
 * The banner goes on every output file, but only those with bundled CommonJS code use `require`:
 * in the others it is dropped, since each `createRequire` costs a start a little (`drsim serve`
 * loads ~20 chunks before its first answer, none of which needs it).
 */
function dropUnusedRequire(metafile) {
  for (const output of Object.keys(metafile.outputs)) {
    if (!output.endsWith('.js')) continue;
    const path = join(ROOT, output);
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith(REQUIRE_BANNER)) continue;
    const body = text.slice(REQUIRE_BANNER.length);
    if (!/\brequire\b/.test(body)) writeFileSync(path, body.replace(/^\n/, ''));
  }
}

/** Declarations only, beside the JavaScript; internal helpers marked @internal stay out. */
function buildTypes() {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  pruneDeclarations();
  writeFileSync(STAMPS.types, `${new Date().toISOString()}\n`);
}

/**
 * tsc declares every module; a consumer's compiler reads only those the public entry points
 * reach. The rest (server internals, the console, the CLI) are dropped, so the package ships
 * the types users see and nothing that would need our dev-only @types to check.
 */
function pruneDeclarations() {
  const roots = Object.keys(ENTRIES)
    .filter((entry) => !entry.startsWith('cli/'))
    .map((entry) => join(DIST, `${entry}.d.ts`));
  const program = ts.createProgram(roots, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    types: [],
  });
  const reached = new Set(program.getSourceFiles().map((file) => file.fileName));
  const walk = (dir) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith('.d.ts') && !reached.has(path.split('\\').join('/'))) rmSync(path);
    }
  };
  walk(DIST);
}

/**
 * A module that reads files beside itself (`new URL('./assets/…', import.meta.url)`, as the
 * console's assets.ts does) finds them beside whichever output file its code landed in, so the
 * folder is copied there. Wherever the console lives in src/, this follows it.
 */
function copyAssets(metafile) {
  let copied = 0;
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    for (const input of Object.keys(inputs)) {
      if (!input.endsWith('/assets.ts')) continue;
      const source = join(ROOT, dirname(input), 'assets');
      if (!existsSync(source)) continue;
      cpSync(source, join(ROOT, dirname(output), 'assets'), { recursive: true });
      copied++;
    }
  }
  if (copied === 0) throw new Error('build: no assets.ts with an assets/ folder beside it was bundled');
}

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !['--js', '--types', '--if-stale'].includes(arg));
if (unknown.length > 0) {
  console.error(
    `build: unknown option ${unknown.join(' ')} (usage: build.mjs [--js | --types] [--if-stale])`,
  );
  process.exit(2);
}
const only = args.includes('--js') ? 'js' : args.includes('--types') ? 'types' : undefined;
// Types are written beside the JavaScript, so a types build needs a current one first.
const parts = only === 'js' ? ['js'] : ['js', 'types'];
for (const part of parts) {
  if (args.includes('--if-stale') || (only === 'types' && part === 'js')) {
    if (!isStale(part)) continue;
  }
  const started = Date.now();
  if (part === 'js') await buildJs();
  else buildTypes();
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `built ${part === 'js' ? 'the JavaScript' : 'the types'} in ${relative(process.cwd(), DIST) || '.'} (${took} s)`,
  );
}
