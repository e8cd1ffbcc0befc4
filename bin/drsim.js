#!/usr/bin/env node
// The `drsim` command: the CLI built into dist/ (`npm run build`; the published package ships
// it built, and `npm test` builds it when src/ changed).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of dist/ between runs (in the OS temp folder), so a start
// skips most of compiling the CLI; older Node has no such API and compiles as before.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('drsim: dist/ is missing; run `npm run build` in the drsim repository first\n');
  process.exit(1);
}
const cli = await import(main.href);
process.exitCode = await cli.main(process.argv.slice(2));
