/**
 * A small cache of serialised read responses, valid while the simulation's state and clock are
 * unchanged (`sim.stateVersion()`, `clock().now`). Dashboards and SDK tests poll lists and jobs
 * far more often than anything changes; a hit skips reading, building and serialising the answer.
 * A page of pairs outlives a clock move with nothing due (`contentVersion()`): it is re-rendered
 * with the clock's new time, not built again (pair-page.ts).
 */
import type { Simulator } from '../sim/contract.js';
import type { DrPair, Page } from '../sim/types.js';
import { type PairPageTemplate, pairPageJson, renderPairPage } from './pair-page.js';
import { type JsonBytes, jsonBytes } from './plain-answer.js';
import { worldOf } from './tenancy.js';

const MAX_ENTRIES = 256;

interface Entry {
  version: number;
  now: string;
  json: JsonBytes;
  /** A page of pairs': its template, its clock-derived numbers, the content version it shows. */
  template?: PairPageTemplate | null;
  numbers?: readonly number[];
  content?: number;
}

export class ReadCache {
  readonly #entries = new WeakMap<Simulator, Map<string, Entry>>();

  constructor(private readonly sim: Simulator) {}

  /**
   * The JSON of `compute()` for `tenant`, encoded once, recomputed only when that tenant's world
   * changed (its state or clock). Entries are per world object, so a world deleted and made again
   * never serves the old one's answers.
   */
  json(tenant: string, key: string, compute: () => unknown): JsonBytes {
    return this.#answer(tenant, key, () => ({ json: jsonBytes(JSON.stringify(compute())) }));
  }

  /** As `json`, for a page of pairs: after a clock move with nothing due, re-rendered. */
  pairPage(tenant: string, key: string, compute: () => Page<DrPair>): JsonBytes {
    return this.#answer(tenant, key, (world, stale) => {
      const content = world.contentVersion();
      if (stale?.template && stale.numbers && stale.content === content) {
        const nowMs = Date.parse(world.clock().now);
        return {
          ...renderPairPage(stale.template, nowMs, { json: stale.json, numbers: stale.numbers }),
          template: stale.template,
          content,
        };
      }
      return { ...pairPageJson(compute()), content };
    });
  }

  #answer(
    tenant: string,
    key: string,
    make: (world: Simulator, stale: Entry | undefined) => Omit<Entry, 'version' | 'now'>,
  ): JsonBytes {
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
    const made = make(world, hit);
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { ...made, version, now });
    return made.json;
  }
}
