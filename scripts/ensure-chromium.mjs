// The browser tests drive Debian's Chromium. In CI (CI=true) they must run: install it when we
// can (root with apt-get), otherwise fail saying what to do. Elsewhere a missing browser only
// skips those tests, with a one-line notice from vitest.config.ts.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.DRSIM_CHROMIUM ?? '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
if (ci && !existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get') || process.env.DRSIM_CHROMIUM) {
    console.error(
      `drsim: ${CHROMIUM} is missing; in CI the browser tests need it. Install it (sudo apt-get install -y chromium) or point DRSIM_CHROMIUM at one.`,
    );
    process.exit(1);
  }
  console.log('drsim: installing chromium for the browser tests (apt-get)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
  });
}
