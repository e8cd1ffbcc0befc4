import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

// Tests that need a program this machine may lack. Outside CI a machine without it (macOS, no
// root) still runs everything else, with a one-line notice; in CI those tests fail loudly.
const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const chromium = process.env.DRSIM_CHROMIUM ?? '/usr/bin/chromium';
const optional = [
  {
    files: 'test/e2e/**',
    missing: existsSync(chromium) ? [] : ['chromium'],
    notice: `browser tests (test/e2e) skipped: no Chromium at ${chromium}; enable them with DRSIM_CHROMIUM=/path/to/chromium or \`sudo apt-get install -y chromium\``,
  },
  {
    files: 'test/docs/executable-docs.test.ts',
    missing: ['bash', 'curl', 'jq'].filter((tool) => !has(tool)),
    notice: 'executable docs (test/docs/executable-docs.test.ts) skipped: they need bash, curl and jq',
  },
];
const skipped = ci ? [] : optional.filter((group) => group.missing.length > 0);
for (const group of skipped) console.log(`drsim: ${group.notice}`);

export default defineConfig({
  // Examples import `drsim/client` as a user would; in this repository that means the sources.
  resolve: {
    alias: [
      { find: /^drsim$/, replacement: src('index.ts') },
      { find: /^drsim\/(client|testing)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', ...skipped.map((group) => group.files)],
    setupFiles: ['test/setup.ts'],
    // Tests that run the `drsim` command need dist/ built from the current sources.
    globalSetup: ['test/build-once.ts'],
    // One worker per core. Vitest's default leaves one core to its main process (cores - 1), which
    // on CI's 2 cores meant one worker: the files ran one after another and the second core sat
    // idle whenever the worker did not wait on a child (Chromium, tsc, npm). The main process
    // only collects results here: the transform it also does is a few seconds of a whole run.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
