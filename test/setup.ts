// Every property test in the suite replays from one seed: CI prints it, and
// `FC_SEED=<seed> npm test` reproduces a failure exactly (fast-check's own CI does the same).
import fc from 'fast-check';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() ^ (Math.random() * 0x100000000);
fc.configureGlobal({ seed });
if (process.env.CI) console.log(`fast-check seed: ${seed} (replay with FC_SEED=${seed})`);
