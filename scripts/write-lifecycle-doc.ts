// Regenerates docs/lifecycle.md from the statechart; test/machine/chart.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { lifecycleDoc } from '../src/machine/index.js';

writeFileSync(new URL('../docs/lifecycle.md', import.meta.url), lifecycleDoc());
console.log('wrote docs/lifecycle.md');
