/**
 * V8 heap settings for `drsim serve`, the one command that owns a long-lived process. Set from
 * inside the process (`v8.setFlagsFromString`): only flags V8 reads as it goes take effect
 * there, and re-executing Node with command-line flags would cost a second Node start.
 *
 * Once it serves, the old generation grows by 30% over what survives a full collection instead
 * of V8's adaptive factor (up to 4×): under load the heap holds garbage for shorter, at the price
 * of more frequent full collections. The young generation is left to V8 throughout: holding it at
 * its start size while the server started saved ~5 MB at idle when a start built every route's
 * schemas, but now that routes are built on their first request it saves ~1 MB and cost more
 * scavenges than the rest of the start's collections (docs/performance.md, "Startup and memory").
 */
import v8 from 'node:v8';

const OLD_GENERATION_GROWTH_PERCENT = 30;

/** Once the server listens. */
export function settleHeapForServing(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}
