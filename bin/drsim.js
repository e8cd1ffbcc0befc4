#!/usr/bin/env node
// Launches the TypeScript CLI without a build step: tsx compiles src/ on the fly, so the
// command works straight from a fresh clone.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
