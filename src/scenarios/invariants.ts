/** Runs every invariant checker of the engine (`sim.check()`); any violation fails the step. */
import { InvariantViolation } from './step-failure.js';
import type { World } from './world.js';

export async function checkInvariants(world: World, when?: string): Promise<void> {
  const broken = (await world.sim.check()).filter((verdict) => !verdict.ok);
  if (broken.length === 0) return;
  const names = broken.map((verdict) => verdict.name);
  throw new InvariantViolation(
    `invariant violated${when ? ` ${when}` : ''}: ${names.join(', ')}`,
    broken.map((verdict) => `${verdict.name}: ${verdict.description}`).join('\n'),
    broken.flatMap((verdict) => verdict.violations.map((line) => `${verdict.name}: ${line}`)).join('\n'),
    names,
  );
}
