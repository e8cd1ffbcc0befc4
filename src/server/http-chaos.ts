/**
 * HTTP-level chaos for testing clients: rules that, for a method and path pattern, answer
 * 429/500/503 (with `Retry-After`), add latency, or drop the connection — every time, for a
 * number of times, or with a probability. Rules are per tenant: a tenant's rules strike only
 * that tenant's requests. Probabilities draw from a small PRNG of the tenant's own, seeded from
 * its world's seed, so a run with the same seed and the same requests fails the same requests
 * whatever other tenants do. The control API (`/_sim/*`) is never subject to chaos.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from './app-env.js';
import { methodMatches, type PathMatcher, pathMatcher } from './path-pattern.js';
import { DroppedConnection, HTTP_ERROR_CODES, HttpProblem } from './problem.js';

export type ChaosEffect =
  | { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop' };

export interface ChaosRuleInput {
  method?: string;
  path: string;
  effect: ChaosEffect;
  times?: number;
  probability?: number;
  phase?: 'before' | 'after';
  /**
   * Seeds this rule's own generator (0 to 2^32 − 1): its probability draws then depend only on
   * the requests it matches, whatever else the server does, so a scenario run reproduces
   * exactly. Without it the rule draws from the server's generator.
   */
  seed?: number;
}

export interface ChaosRule {
  id: string;
  method: string;
  path: string;
  effect: ChaosEffect;
  times: number | null;
  probability: number | null;
  phase: 'before' | 'after';
  seed: number | null;
  fired: number;
}

/** mulberry32: tiny, fast and good enough to decide which requests fail. */
export function createPrng(seed: number): () => number {
  // Folds the high bits in, so seeds above 2^32 do not repeat smaller ones, then mixes the
  // bits (murmur3's finaliser): small seeds would otherwise start with correlated draws.
  let state = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) >>> 0, 0x9e3779b1)) >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b) >>> 0;
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35) >>> 0;
  state = (state ^ (state >>> 16)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latencies of several matching rules add up to at most this (one rule allows as much). */
export const MAX_CHAOS_LATENCY_MS = 60_000;

/**
 * Waits `ms`, or less if `signal` aborts first (the server is stopping): a delayed request is
 * then answered while the database is still open, and no timer keeps the process alive.
 */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class HttpChaos {
  private readonly rules: { rule: ChaosRule; matches: PathMatcher; random: () => number }[] = [];
  private readonly random: () => number;
  private nextId = 1;

  /** `signal` aborts on shutdown and cuts every delay short. */
  constructor(
    seed: number,
    private readonly signal?: AbortSignal,
  ) {
    this.random = createPrng(seed);
  }

  add(input: ChaosRuleInput): ChaosRule {
    const rule: ChaosRule = {
      id: `chaos_${this.nextId++}`,
      method: (input.method ?? '*').toUpperCase(),
      path: input.path,
      effect: input.effect,
      times: input.times ?? null,
      probability: input.probability ?? null,
      phase: input.phase ?? 'before',
      seed: input.seed ?? null,
      fired: 0,
    };
    const random = input.seed === undefined ? this.random : createPrng(input.seed);
    this.rules.push({ rule, matches: pathMatcher(input.path), random });
    return rule;
  }

  list(): ChaosRule[] {
    return this.rules.map(({ rule }) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex(({ rule }) => rule.id === id);
    if (index >= 0) this.rules.splice(index, 1);
    return index >= 0;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /**
   * The rules that fire for one request, in creation order. Only a matching rule draws from
   * the PRNG, so unrelated traffic does not shift which requests fail.
   */
  private firing(method: string, path: string): ChaosRule[] {
    const fired: ChaosRule[] = [];
    for (const { rule, matches, random } of this.rules) {
      if (!methodMatches(rule.method, method) || !matches(path)) continue;
      if (rule.times !== null && rule.fired >= rule.times) continue;
      if (rule.probability !== null && random() >= rule.probability) continue;
      rule.fired++;
      fired.push(rule);
    }
    return fired;
  }

  /** Latency adds up; the first status or drop rule decides the answer. */
  middleware(): MiddlewareHandler {
    return (c, next) => this.around(c, next);
  }

  /** Runs `next` under the rules that fire for this request (none: `next` alone). */
  around(c: Context, next: Next): Promise<void> {
    if (c.req.path.startsWith('/_sim/') || this.rules.length === 0) return next();
    return this.#strike(c, next);
  }

  async #strike(c: Context, next: Next): Promise<void> {
    const fired = this.firing(c.req.method, c.req.path);
    if (fired.length === 0) return next();
    const latencyMs = Math.min(
      MAX_CHAOS_LATENCY_MS,
      fired.reduce((sum, rule) => sum + (rule.effect.kind === 'latency' ? rule.effect.ms : 0), 0),
    );
    if (latencyMs > 0) await sleep(latencyMs, this.signal);
    const fault = fired.find((rule) => rule.effect.kind !== 'latency');
    if (!fault) return next();
    if (fault.phase === 'after') await next();
    if (fault.effect.kind === 'drop') {
      (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.destroy();
      throw new DroppedConnection(`chaos rule ${fault.id} dropped the connection`);
    }
    if (fault.effect.kind !== 'status') return;
    const { status, retryAfterSeconds } = fault.effect;
    const headers: Record<string, string> =
      status === 500 ? {} : { 'Retry-After': String(retryAfterSeconds ?? 1) };
    // Thrown after next() too: the response the route made is replaced, as a proxy losing it would.
    throw new HttpProblem(
      status,
      HTTP_ERROR_CODES.CHAOS_INJECTED,
      `Injected by chaos rule ${fault.id}${fault.phase === 'after' ? ' after the request was applied' : ''}.`,
      { ruleId: fault.id },
      headers,
    );
  }
}

/** Applies the rules of the caller's tenant; a request without a tenant meets no chaos. */
export function chaosMiddleware(tenancy: { chaos(tenant: string): HttpChaos }): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const tenant = c.get('caller')?.tenant;
    if (!tenant || c.req.path.startsWith('/_sim/')) return next();
    return tenancy.chaos(tenant).around(c, next);
  };
}
