// Preloaded into a server: SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it to $PROF_OUT-N.cpuprofile.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROF_INTERVAL ?? 100) });
let on = false;
let n = 0;
process.on('SIGUSR2', async () => {
  if (!on) {
    on = true;
    await session.post('Profiler.start');
    return;
  }
  on = false;
  const { profile } = await session.post('Profiler.stop');
  const file = `${process.env.PROF_OUT}-${++n}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  process.stderr.write(`profile written: ${file}\n`);
});
