/**
 * A small cache of serialised read responses, valid while the simulation's state and clock are
 * unchanged (`sim.stateVersion()`, `clock().now`). Dashboards and SDK tests poll lists and jobs
 * far more often than anything changes; a hit skips reading, building and serialising the answer.
 */
import type { Simulator } from '../sim/contract.js';
import { type JsonBytes, jsonBytes } from './plain-answer.js';
import { worldOf } from './tenancy.js';

const MAX_ENTRIES = 256;

export class ReadCache {
  readonly #entries = new WeakMap<
    Simulator,
    Map<string, { version: number; now: string; json: JsonBytes }>
  >();

  constructor(private readonly sim: Simulator) {}

  /**
   * The JSON of `compute()` for `tenant`, encoded once, recomputed only when that tenant's world
   * changed (its state or clock). Entries are per world object, so a world deleted and made again
   * never serves the old one's answers.
   */
  json(tenant: string, key: string, compute: () => unknown): JsonBytes {
    const world = worldOf(this.sim, tenant);
    let entries = this.#entries.get(world);
    if (!entries) {
      entries = new Map();
      this.#entries.set(world, entries);
    }
    const version = world.stateVersion();
    const now = world.clock().now;
    const hit = entries.get(key);
    if (hit && hit.version === version && hit.now === now) return hit.json;
    const json = jsonBytes(JSON.stringify(compute()));
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { version, now, json });
    return json;
  }
}
