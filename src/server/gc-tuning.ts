/**
 * V8 settings for a process that serves drsim over HTTP, made when it starts serving
 * (`startServer`: `drsim serve`, `npm start`, `startDrsim()`).
 *
 * Allocation-site pretenuring is off. Under load, the objects of a request (Node's
 * `IncomingMessage` and `ServerResponse`, hono's context, the adapter's request) live until its
 * answer is written, and with tens of connections in flight many of them are still alive at a
 * scavenge; V8 then judges their allocation sites long-lived and allocates them in old space from
 * the start, where they die a few milliseconds later. The old space filled every ~0.3 s and each
 * mark-compact paused the server: at 10,000 pairs under 50 connections, 20–26 mark-compacts in
 * 6 s with it, 7 without; server CPU per list page 68–73 → 51–63 µs (docs/performance.md, "List
 * pages with a realtime clock, fourth round"). What survives in a server is its worlds and
 * caches, built once; an advance in the same process measured the same with it or without.
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

export function tuneGcForServing(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
