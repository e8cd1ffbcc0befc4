/**
 * V8 heap settings for `drsim serve`, the one command that owns a long-lived process. Set from
 * inside the process (`v8.setFlagsFromString`): only flags V8 reads as it goes take effect
 * there, and re-executing Node with command-line flags would cost a second Node start.
 *
 * Once it serves:
 * - The old generation grows by 30% over what survives a full collection instead of V8's
 *   adaptive factor (up to 4×): under load the heap holds garbage for shorter, at the price of
 *   more frequent full collections.
 * - The young generation stops growing at 16 MB (two 8 MB semi-spaces) instead of V8's 32 MB on
 *   64-bit: under the HTTP bench's load it grew to its maximum within seconds and its pages stayed
 *   resident, ~15 MB of the peak, while its collections took the same share of the CPU (more of
 *   them, each with fewer survivors; docs/performance.md, "Startup and peak memory, sixth round").
 *   V8 fixes the maximum when the heap is made (`--max-semi-space-size`) but reads its growth
 *   factor at each growth, so after every collection the factor is set to 1 at or above the cap
 *   and back to V8's 2 below it (V8 shrinks the young generation when the server idles).
 *   A user who sets the young generation's size on Node's command line keeps their setting.
 * The young generation is left to V8 while the server starts (holding it cost more scavenges
 * than it saved, docs/performance.md, "Startup and memory").
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const OLD_GENERATION_GROWTH_PERCENT = 30;
/** The young generation's cap: V8's `new_space`, both semi-spaces. */
const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;
/** V8's growth factor of the young generation (Node 20 through 24). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;
const USER_YOUNG_GENERATION_FLAG =
  /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Once the server listens. */
export function settleHeapForServing(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  if (!setsYoungGeneration([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')))
    capYoungGeneration(YOUNG_GENERATION_CAP_BYTES);
}

/** Whether Node's flags (its command line and `NODE_OPTIONS`) size the young generation. */
export function setsYoungGeneration(nodeFlags: string): boolean {
  return USER_YOUNG_GENERATION_FLAG.test(nodeFlags);
}

function capYoungGeneration(capBytes: number): void {
  let growing = true;
  const check = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (young === undefined) return;
    const grow = young.space_size < capBytes;
    if (grow === growing) return;
    growing = grow;
    v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? V8_SEMI_SPACE_GROWTH_FACTOR : 1}`);
  };
  // Entries arrive in batches after the collections; the size is what matters, not which.
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
  check();
}
