/**
 * A small cache of serialised read responses, valid while the simulation's state and clock are
 * unchanged (`sim.stateVersion()`, `clock().now`). Dashboards and SDK tests poll lists far more
 * often than anything changes; a hit skips building and serialising the whole page.
 */
import type { Simulator } from '../sim/contract.js';

const MAX_ENTRIES = 256;

export class ReadCache {
  readonly #entries = new Map<string, { version: number; now: string; body: string }>();

  constructor(private readonly sim: Simulator) {}

  /** The JSON text of `compute()`, recomputed only when the state or the clock moved. */
  json(key: string, compute: () => unknown): string {
    const version = this.sim.stateVersion();
    const now = this.sim.clock().now;
    const hit = this.#entries.get(key);
    if (hit && hit.version === version && hit.now === now) return hit.body;
    const body = JSON.stringify(compute());
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { version, now, body });
    return body;
  }
}
