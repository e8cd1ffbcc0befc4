/**
 * zod for the engine's one use of it, the state check (state-check.ts), loaded when first
 * needed: loading it (~300 KB of JavaScript) was a seventh of every start of `drsim serve` and
 * `startDrsim()`, which never check a state unless asked to import one (docs/performance.md).
 * Where an asynchronous start is at hand (building the API's routes, running scenarios), it is
 * loaded ahead with `loadZod()`; otherwise its first use reads node_modules' copy synchronously.
 */
import { createRequire } from 'node:module';

type Zod = typeof import('zod');

let zod: Zod | undefined;

/** Loads zod ahead of a synchronous use. */
export async function loadZod(): Promise<void> {
  zod ??= await import('zod');
}

export function zodNow(): Zod {
  zod ??= createRequire(import.meta.url)('zod') as Zod;
  return zod;
}
