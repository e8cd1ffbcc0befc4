// The browser tests drive Debian's Chromium. On a machine without it, install it when we can
// (root with apt-get, as on CI); otherwise say exactly what to do instead of failing obscurely.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.DRSIM_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.error(
      `drsim: ${CHROMIUM} is missing; the browser tests need it. Install it: sudo apt-get install -y chromium`,
    );
    process.exit(1);
  }
  console.log('drsim: installing chromium for the browser tests (apt-get)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
  });
}
