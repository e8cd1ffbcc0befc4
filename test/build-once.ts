/**
 * Before any test: rebuild dist/'s JavaScript when a source is newer than it (about a second),
 * so the tests that run `node bin/drsim.js` exercise the code in src/, not an old build. The
 * package check builds the types it needs itself.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--js', '--if-stale'], { stdio: 'inherit' });
}
