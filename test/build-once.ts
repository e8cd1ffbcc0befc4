/**
 * Before any test: rebuild dist/ when a source is newer than it, so the tests that run
 * `node bin/drsim.js` (and the package check) exercise the code in src/, not an old build.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
}
