// `startDrsim()` from the built package (drsim/testing), as a user's test file calls it: prints
// the URL it answers on, then stays up until it is stopped.
import { startDrsim } from '../../../dist/testing/index.js';

const drsim = await startDrsim({ seed: 1 });
process.stdout.write(`${drsim.url}\n`);
process.once('SIGTERM', () => void drsim.stop().then(() => process.exit(0)));
