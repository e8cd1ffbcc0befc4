/**
 * V8 heap settings for `drsim serve`, the one command that owns a long-lived process. Set from
 * inside the process (`v8.setFlagsFromString`): only flags V8 reads as it goes take effect
 * there, and re-executing Node with command-line flags would cost a second Node start.
 *
 * - While the server starts, the young generation does not grow: nearly everything a start
 *   allocates (code, route schemas) lives for good, so a grown young generation would only
 *   leave ~5 MB of empty pages behind at idle.
 * - Once it serves, the young generation grows as V8 sees fit again (V8's default factor, 2, in
 *   Node 20 through 24), and the old generation grows by 30% over what survives a full
 *   collection instead of V8's adaptive factor (up to 4×): under load the heap holds garbage
 *   for shorter, at the price of more frequent full collections.
 *
 * docs/performance.md ("Startup and memory") has the measurements.
 */
import v8 from 'node:v8';

const V8_SEMI_SPACE_GROWTH_FACTOR = 2;
const OLD_GENERATION_GROWTH_PERCENT = 30;

/** Before the server's modules load. */
export function holdYoungGeneration(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/** Once the server listens. */
export function settleHeapForServing(): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
  v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}
