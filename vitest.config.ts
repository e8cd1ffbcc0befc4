import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

// The console's browser tests drive Debian's Chromium. Outside CI a machine without it (macOS,
// no root) still runs everything else; in CI a missing browser fails those tests loudly.
const chromium = process.env.DRSIM_CHROMIUM ?? '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const skipBrowser = !ci && !existsSync(chromium);
if (skipBrowser) {
  console.log(
    `drsim: browser tests (test/e2e) skipped: no Chromium at ${chromium}; enable them with DRSIM_CHROMIUM=/path/to/chromium or \`sudo apt-get install -y chromium\``,
  );
}

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
    exclude: ['**/node_modules/**', ...(skipBrowser ? ['test/e2e/**'] : [])],
    setupFiles: ['test/setup.ts'],
    // Tests that run the `drsim` command need dist/ built from the current sources.
    globalSetup: ['test/build-once.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
